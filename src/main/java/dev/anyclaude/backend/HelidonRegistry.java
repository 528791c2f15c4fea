package dev.anyclaude.backend;

import io.helidon.common.mapper.DefaultMapperProvider__ServiceDescriptor;
import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.service.registry.ServiceRegistry;
import io.helidon.service.registry.ServiceRegistryConfig;
import io.helidon.service.registry.ServiceRegistryManager;

/**
 * Helidon's global service registry, made with only the service the gateway's use of Helidon needs: the default
 * value mappers (text to numbers, booleans and the like, for headers and query parameters).
 *
 * <p>Helidon makes its registry the first time any of its parts asks for it (the routing, the client), and by
 * default it discovers every service its jars declare: it reads their registry files, loads each service's
 * descriptor class and the JDK's service loader's too. In a JVM that has just started that took 140-170 ms
 * of CPU, on the start's critical path (the gateway's start waited for it); made this way it takes 35-50 ms.
 * What is left out serves Helidon's declarative and injection features (request scopes, configuration and
 * metrics beans, events), which the gateway does not use: it builds its server, routing and client in code.
 */
public final class HelidonRegistry {

    private HelidonRegistry() {
    }

    /**
     * Makes the registry, unless Helidon has one already. Call before any other use of Helidon; cheap after.
     * Callers that race wait for the first (Helidon's own get-or-create does not check again once it holds its
     * lock, so a second caller would make a second registry and replace the first).
     */
    public static synchronized void install() {
        if (!GlobalServiceRegistry.configured()) {
            GlobalServiceRegistry.registry(lean());
        }
    }

    static ServiceRegistry lean() {
        return ServiceRegistryManager.create(ServiceRegistryConfig.builder()
                .discoverServices(false)
                .discoverServicesFromServiceLoader(false)
                .addServiceDescriptor(DefaultMapperProvider__ServiceDescriptor.INSTANCE)
                .build()).registry();
    }
}
