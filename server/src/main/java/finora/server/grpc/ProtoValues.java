package finora.server.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** Conversions every gRPC adapter needs: UTC days and instants to their proto types, and unary replies. */
public final class ProtoValues {
    private ProtoValues() {}

    /** A UTC calendar day as {@code google.type.Date}. */
    public static com.google.type.Date date(LocalDate d) {
        return com.google.type.Date.newBuilder()
                .setYear(d.getYear())
                .setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth())
                .build();
    }

    /** An instant as {@code google.protobuf.Timestamp}. */
    public static Timestamp timestamp(OffsetDateTime t) {
        return Timestamp.newBuilder()
                .setSeconds(t.toEpochSecond())
                .setNanos(t.getNano())
                .build();
    }

    /** Sends the one answer of a unary call. */
    public static <T> void respond(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }

    /** The proto value of a provider's stored name ({@code ANTHROPIC}, {@code OPENAI}). */
    public static finora.api.v1.Provider provider(String stored) {
        return switch (stored) {
            case "ANTHROPIC" -> finora.api.v1.Provider.PROVIDER_ANTHROPIC;
            case "OPENAI" -> finora.api.v1.Provider.PROVIDER_OPENAI;
            default -> finora.api.v1.Provider.PROVIDER_UNSPECIFIED;
        };
    }

    /** The stored name of a provider, or null for PROVIDER_UNSPECIFIED and unknown values. */
    public static String providerName(finora.api.v1.Provider provider) {
        return switch (provider) {
            case PROVIDER_ANTHROPIC -> "ANTHROPIC";
            case PROVIDER_OPENAI -> "OPENAI";
            default -> null;
        };
    }
}
