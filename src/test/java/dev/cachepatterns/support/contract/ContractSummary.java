package dev.cachepatterns.support.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints how many exchanges the contract filter validated in this test JVM when the test plan ends (and writes it to
 * {@code target/contract-exchanges-<pid>.txt}), so a run can cite its count. Registered through {@code
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public class ContractSummary implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        long validated = ContractValidation.count(ContractValidation.VALIDATED);
        long skipped = ContractValidation.count(ContractValidation.EXEMPT);
        if (validated == 0 && skipped == 0) {
            return;
        }
        String line = "contract: " + validated + " exchanges validated against the served OpenAPI document"
                + (skipped == 0 ? "" : " (" + skipped + " exempt exchanges not validated)");
        System.out.println(line);
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(
                        target.resolve(
                                "contract-exchanges-" + ProcessHandle.current().pid() + ".txt"),
                        line + "\n");
            }
        } catch (IOException e) {
            System.out.println("contract: could not write the count: " + e);
        }
    }
}
