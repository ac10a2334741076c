using Catga.Analyzers.Security;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Security;

public sealed class SensitiveDataInClearTests
{
    private const string Message = """
        using Catga.Security;
        using Catga.Transport;
        using Catga.Sagas;

        [CatgaEvent, CatgaProtected]
        public partial record CustomerRegistered(string CustomerId, [Sensitive] string Email, string Country) : IEvent
        {
            [PersonalData] public string? Phone { get; init; }
        }

        [System.AttributeUsage(System.AttributeTargets.Property)]
        public sealed class PersonalDataAttribute : System.Attribute { }

        """;

    [Fact]
    public Task A_sensitive_member_in_a_header_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SensitiveDataInClearAnalyzer(), Message + """
            public static class Headers
            {
                public static void Fill(MessageHeaders headers, CustomerRegistered e)
                {
                    headers.Set("customer", e.CustomerId);
                    headers.Set("email", {|CATGA310:e.Email|});
                    headers["phone"] = "tel:" + {|CATGA310:e.Phone|};
                }
            }
            """);

    [Fact]
    public Task A_sensitive_member_as_a_correlation_id_or_a_subject_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SensitiveDataInClearAnalyzer(), Message + """
            public static class Routing
            {
                public static void Publish(string destination, string correlationId) { }

                public static void Run(CustomerRegistered e)
                {
                    Publish($"customers.{e.Country}", e.CustomerId);
                    Publish($"customers.{{|CATGA310:e.Email|}}", "fixed");
                    Publish("customers", {|CATGA310:e.Email|});
                }
            }
            """);

    [Fact]
    public Task A_sensitive_member_as_a_saga_key_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SensitiveDataInClearAnalyzer(), Message + """
            public static class Keys
            {
                [Correlate] public static string ById(CustomerRegistered e) => e.CustomerId;
                [Correlate] public static string ByEmail(CustomerRegistered e) => {|CATGA310:e.Email|}.ToLowerInvariant();
            }

            public sealed record Signup([property: SagaId, Sensitive] string {|CATGA310:Email|});
            """);
}
