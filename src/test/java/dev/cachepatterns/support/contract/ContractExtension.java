package dev.cachepatterns.support.contract;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs the contract filter ({@link ContractValidation}) before every test class, so each RestAssured exchange of
 * every test is checked against the API document. Registered for all tests through JUnit's extension auto-detection
 * ({@code junit-platform.properties}, {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 *
 * <p>A {@code @QuarkusTest} class runs in Quarkus' class loader, with its own copy of RestAssured's static
 * configuration: the filter is installed through the class loader of the test class itself.
 */
public class ContractExtension implements BeforeAllCallback, BeforeEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        call(context, "install");
    }

    // Loads the running service's document before the test, so its first request (maybe inside a short Awaitility
    // window) does not pay for fetching and parsing it.
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        call(context, "warm");
    }

    private static void call(ExtensionContext context, String method) throws Exception {
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Class.forName(ContractValidation.class.getName(), true, loader)
                .getMethod(method)
                .invoke(null);
    }
}
