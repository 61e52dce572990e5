package dev.cachepatterns.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST /inventory/{sku}/reservations: how many units to take from stock. */
@Schema(additionalProperties = Schema.False.class)
public record ReservationInput(
        @NotNull
        @Positive
        @Max(ReservationInput.MAX_QUANTITY)
        @JsonDeserialize(using = StrictInt.class)
        @Schema(example = "2")
        Integer quantity) {

    /** The most units one reservation may take. */
    public static final int MAX_QUANTITY = 10_000;
}
