package dev.anyclaude.backend;

import io.helidon.common.mapper.Mappers;
import io.helidon.common.mapper.spi.MapperProvider;
import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.service.registry.ServiceRegistryManager;
import io.helidon.webserver.spi.ServerFeatureProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry Helidon's parts use in the gateway: the value mappers, and none of what discovery would add. */
class HelidonRegistryTest {

    @Test
    void theGlobalRegistryIsTheLeanOneWithTheValueMappers() {
        HelidonRegistry.install();

        var registry = GlobalServiceRegistry.registry();
        assertThat(registry.all(MapperProvider.class)).hasSize(1);
        assertThat(registry.all(ServerFeatureProvider.class)).as("discovered only by default").isEmpty();
        assertThat(Mappers.create().map("42", String.class, Integer.class)).isEqualTo(42);
        assertThat(Mappers.create().map("true", String.class, Boolean.class)).isTrue();
    }

    @Test
    void discoveryWouldHaveAddedServicesTheGatewayDoesNotUse() {
        ServiceRegistryManager discovering = ServiceRegistryManager.create();
        try {
            assertThat(discovering.registry().all(ServerFeatureProvider.class)).isNotEmpty();
        } finally {
            discovering.shutdown();
        }
    }

    @Test
    void installingAgainKeepsTheRegistry() {
        HelidonRegistry.install();
        var first = GlobalServiceRegistry.registry();

        HelidonRegistry.install();

        assertThat(GlobalServiceRegistry.registry()).isSameAs(first);
    }
}
