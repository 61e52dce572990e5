package dev.cachepatterns.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The body of PUT /inventory/{sku}: creates the item or replaces its name and stock. */
public record InventoryInput(
        @NotBlank @Size(max = 200) String name,

        @NotNull @PositiveOrZero @Max(InventoryInput.MAX_QUANTITY) @JsonDeserialize(using = StrictInt.class)
        Integer quantity) {

    /** A sane upper bound on stock, well inside the column's range. */
    public static final int MAX_QUANTITY = 1_000_000_000;
}
