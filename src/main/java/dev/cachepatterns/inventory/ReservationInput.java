package dev.cachepatterns.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The body of POST /inventory/{sku}/reservations: how many units to take from stock. */
public record ReservationInput(
        @NotNull @Positive @Max(ReservationInput.MAX_QUANTITY) @JsonDeserialize(using = StrictInt.class)
        Integer quantity) {

    /** The most units one reservation may take. */
    public static final int MAX_QUANTITY = 10_000;
}
