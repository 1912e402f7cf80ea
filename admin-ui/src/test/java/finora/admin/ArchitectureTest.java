package finora.admin;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.grpc.Channel;

/**
 * The admin UI's layout: each feature package ({@code spend}, {@code budget}, {@code settings},
 * {@code security}) owns the client of the server calls it makes and the records they return; the
 * {@code grpc} package keeps what they share, the channel, the deadlines and the translation of failures,
 * and knows no feature.
 */
@AnalyzeClasses(packages = "finora.admin", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] FEATURES = {
        "finora.admin.spend..", "finora.admin.budget..", "finora.admin.settings..", "finora.admin.security.."
    };
    private static final String[] PROTO = {
        "finora.api.v1..", "com.google.protobuf..", "com.google.rpc..", "com.google.type.."
    };

    @ArchTest
    static final ArchRule protoTypesStayInTheClients = noClasses()
            .that()
            .resideOutsideOfPackage("finora.admin.grpc..")
            .and()
            .haveNameNotMatching(".*Client(\\$.*)?") // a client with its nested and synthetic classes
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(PROTO)
            .because("views, forms and records work with the plain records a feature's *Client returns");

    @ArchTest
    static final ArchRule onlyTheGrpcPackageTouchesChannelPlumbing = noClasses()
            .that()
            .resideOutsideOfPackage("finora.admin.grpc..")
            .should()
            .dependOnClassesThat(resideInAnyPackage("io.grpc..").and(not(equivalentTo(Channel.class))))
            .because("deadlines, headers, streams and error translation live in grpc.ServiceStub and Calls; "
                    + "a feature's client only hands its Channel to a ServiceStub");

    @ArchTest
    static final ArchRule clientsLiveWithTheirFeature = classes()
            .that()
            .haveSimpleNameEndingWith("Client")
            .and()
            .resideInAPackage("finora.admin.grpc..")
            .should()
            .haveSimpleName("ServerHealthClient")
            .because(
                    "a feature owns the client of the calls it makes (e.g. spend.CostClient, settings.IntegrationClient); "
                            + "grpc keeps only the server's health check, which the whole UI shows");

    @ArchTest
    static final ArchRule theGrpcPackageKnowsNoFeature = noClasses()
            .that()
            .resideInAPackage("finora.admin.grpc..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(FEATURES)
            .orShould()
            .dependOnClassesThat(resideInAnyPackage("finora.api.v1..").and(simpleNameEndingWith("Grpc")))
            .because("grpc is the plumbing under every feature, not a home for the server's services");

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInCircles =
            slices().matching("finora.admin.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule nothingOpensADatabase = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..", "org.jooq..")
            .because("the admin UI is a pure gRPC client of the server");
}
