package dev.anyclaude.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SameObjectsTest {

    @Test
    void equalOnlyForTheSameObjectsInTheSameOrder() {
        String name = new String("Read");
        Object schema = Json.object().put("type", "object");
        SameObjects key = SameObjects.of(name, schema, null);

        assertThat(SameObjects.of(name, schema, null)).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(SameObjects.of(new String("Read"), schema, null)).as("an equal string, another instance")
                .isNotEqualTo(key);
        assertThat(SameObjects.of(name, Json.object().put("type", "object"), null)).as("an equal tree")
                .isNotEqualTo(key);
        assertThat(SameObjects.of(schema, name, null)).as("another order").isNotEqualTo(key);
        assertThat(SameObjects.of(name, schema)).as("fewer").isNotEqualTo(key);
        assertThat(SameObjects.of(name, schema, "")).as("null vs an object").isNotEqualTo(key);
        assertThat(key).isNotEqualTo("Read");
    }
}
