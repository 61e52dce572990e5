package dev.cachepatterns.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of PUT /inventory/{sku}: creates the item or replaces its name and stock. */
@Schema(additionalProperties = Schema.False.class)
public record InventoryInput(
        @NotBlank @Size(max = 200) @Schema(example = "Mug") String name,

        @NotNull
        @PositiveOrZero
        @Max(InventoryInput.MAX_QUANTITY)
        @JsonDeserialize(using = StrictInt.class)
        @Schema(example = "3")
        Integer quantity) {

    /** A sane upper bound on stock, well inside the column's range. */
    public static final int MAX_QUANTITY = 1_000_000_000;
}
