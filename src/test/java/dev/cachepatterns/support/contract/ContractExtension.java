package dev.cachepatterns.support.contract;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs the contract filter ({@link ContractValidation}) before every test class, so each RestAssured exchange of
 * every test is checked against the API document. Registered for all tests through JUnit's extension auto-detection
 * ({@code junit-platform.properties}, {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 *
 * <p>A {@code @QuarkusTest} class runs in Quarkus' class loader, with its own copy of RestAssured's static
 * configuration: the filter is installed through the class loader of the test class itself.
 */
public class ContractExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Class.forName(ContractValidation.class.getName(), true, loader)
                .getMethod("install")
                .invoke(null);
    }
}
