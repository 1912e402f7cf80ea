package finora.admin;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The admin UI's layering: gRPC and proto types stop at the {@code grpc} package. */
@AnalyzeClasses(packages = "finora.admin", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule onlyTheGrpcPackageSeesGrpcOrProtoTypes = noClasses()
      .that().resideOutsideOfPackage("finora.admin.grpc..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "finora.api.v1..", "io.grpc..", "com.google.protobuf..", "com.google.rpc..")
      .because("views and security work with plain records and exceptions from finora.admin.grpc");

  @ArchTest
  static final ArchRule nothingOpensADatabase = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.jooq..")
      .because("the admin UI is a pure gRPC client of the server");
}
