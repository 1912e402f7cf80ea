package finora.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's layering, checked on every build: adapter ({@code *GrpcService}, protos in and out) →
 * service (rules, Java types) → repository ({@code *Repository}, jOOQ). Nested classes count as their
 * outer class.
 */
@AnalyzeClasses(packages = "finora.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The adapter layer, the only place proto types may appear: every {@code *GrpcService}, the
     * cost adapter's request parser {@code cost.CostRequest} and its cache of proto answers
     * {@code cost.CostQueryCache}, {@code FinoraServer} (which registers the
     * services and the reflection), the {@code grpc} package (interceptors, status mapping, proto value
     * helpers) and the auth interceptor with {@code RpcAccess} (they read each RPC's access option from
     * the descriptors).
     */
    private static final DescribedPredicate<JavaClass> ADAPTER = outerClass(simpleNameEndingWith("GrpcService")
                    .or(nameMatching("finora\\.server\\.(FinoraServer|cost\\.CostRequest|cost\\.CostQueryCache"
                            + "|auth\\.AuthInterceptor|auth\\.RpcAccess)"))
                    .or(resideInAPackage("finora.server.grpc..")))
            .as("the adapter layer (*GrpcService, CostRequest, CostQueryCache, FinoraServer, grpc/, AuthInterceptor,"
                    + " RpcAccess)");

    /** The persistence layer: every {@code *Repository}, the {@code db} package and the audit trail's writer. */
    private static final DescribedPredicate<JavaClass> PERSISTENCE = outerClass(simpleNameEndingWith("Repository")
                    .or(nameMatching("finora\\.server\\.audit\\.AuditLog"))
                    .or(resideInAPackage("finora.server.db..")))
            .as("a repository (*Repository, db/, AuditLog)");

    @ArchTest
    static final ArchRule protoTypesOnlyInAdapters = noClasses()
            .that(not(ADAPTER))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("finora.api.v1..", "com.google.protobuf..", "com.google.type..", "com.google.rpc..")
            .because("services and repositories work with Java types; adapters translate");

    @ArchTest
    static final ArchRule jooqQueriesOnlyInRepositories = noClasses()
            .that(not(PERSISTENCE))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("finora.db.jooq..", "org.jooq.impl..")
            .because("tables and the query DSL belong to repositories; services hold a DSLContext only to run a"
                    + " unit of work (transaction) and hand it to repositories");

    @ArchTest
    static final ArchRule adaptersNeverTouchTheDatabase = noClasses()
            .that(ADAPTER)
            .and()
            .resideOutsideOfPackage("finora.server.grpc..")
            .and(not(nameMatching("finora\\.server\\.FinoraServer")))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.jooq..", "finora.db.jooq..", "java.sql..", "javax.sql..")
            .because("an adapter calls its service, never a repository or the database");

    @ArchTest
    static final ArchRule providerSpecificsStayBehindTheSeam = noClasses()
            .that()
            .resideOutsideOfPackage("finora.server.provider.*..")
            .and(not(outerClass(nameMatching("finora\\.server\\.App"))))
            .should()
            .dependOnClassesThat(resideInAPackage("finora.server.provider.*.."))
            .because("features see providers only through provider/ (ProviderCosts); App wires each provider/<name>");

    @ArchTest
    static final ArchRule providersDoNotKnowEachOther =
            slices().matching("finora.server.provider.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule noCyclesBetweenFeaturePackages =
            slices().matching("finora.server.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule repositoriesDoNotCallUpwards = noClasses()
            .that(PERSISTENCE)
            .should()
            .dependOnClassesThat(ADAPTER.and(not(resideInAnyPackage("finora.server.grpc.."))))
            .because("a repository answers its service and knows no adapter");

    private static DescribedPredicate<JavaClass> outerClass(DescribedPredicate<? super JavaClass> p) {
        return DescribedPredicate.describe(p.getDescription(), c -> {
            JavaClass outer = c;
            while (outer.getEnclosingClass().isPresent()) {
                outer = outer.getEnclosingClass().get();
            }
            return p.test(outer);
        });
    }
}
