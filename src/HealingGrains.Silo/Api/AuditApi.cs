using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>The tenant's audit log (admin).</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListAudit").WithSummary("Audit records from sequence ?from= (default 1), at most ?limit= (1 to 1,000, default 100).");
        group.MapGet("/verify", async (HttpContext context, IGrainFactory grains) =>
            {
                var result = await grains.GetGrain<IAuditLogGrain>(context.User.TenantId()).VerifyAsync();
                return TypedResults.Ok(new AuditVerifyResponse
                {
                    Valid = result.Valid,
                    Records = result.Records,
                    FirstInvalidSequence = result.FirstInvalidSequence,
                    Problem = result.Problem,
                });
            })
            .WithName("VerifyAudit").WithSummary("Walks the hash chain; reports the first record that was altered or removed.");
        return routes;
    }

    private static async Task<Results<Ok<List<AuditRecord>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IGrainFactory grains, string? from = null, string? limit = null)
    {
        long start = 1;
        var take = 100;
        var errors = new Dictionary<string, string[]>();
        if (from is not null && (!long.TryParse(from, out start) || start < 1))
        {
            errors["from"] = ["A sequence number, 1 or more."];
        }

        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > 1000))
        {
            errors["limit"] = ["A whole number from 1 to 1,000."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var records = await grains.GetGrain<IAuditLogGrain>(context.User.TenantId()).ListAsync(start, take);
        return TypedResults.Ok(records.ToList());
    }
}
