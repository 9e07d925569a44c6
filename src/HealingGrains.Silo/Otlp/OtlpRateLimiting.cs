using System.Threading.RateLimiting;
using HealingGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Otlp;

/// <summary>A token bucket per tenant in front of the OTLP receiver; over it, 429 with <c>Retry-After</c> and an OTLP status.</summary>
internal static class OtlpRateLimiting
{
    public const string Policy = "otlp";

    public static IServiceCollection AddOtlpRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<OtlpOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(
                    context.User.FindFirst(HealingClaims.Tenant)?.Value ?? "",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.Burst,
                        TokensPerPeriod = limits.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : TimeSpan.FromSeconds(1);
                await OtlpResult.Error(
                    StatusCodes.Status429TooManyRequests,
                    OtlpBody.EncodingOf(rejected.HttpContext.Request.ContentType),
                    "This tenant sends more OTLP requests than its rate allows; retry after the delay in Retry-After.",
                    retryAfter).ExecuteAsync(rejected.HttpContext);
            };
        });
}
