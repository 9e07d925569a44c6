using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>The problem-details results the API returns, in one place so titles and shapes stay consistent.</summary>
internal static class Problems
{
    public static ProblemHttpResult Status(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>400 with the failing fields under <c>errors</c> (RFC 9457 extension, as ASP.NET Core's validation problems).</summary>
    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    public static ProblemHttpResult NotFound(string what) =>
        Status(StatusCodes.Status404NotFound, "Not found", what);

    public static ProblemHttpResult Conflict(string what) =>
        Status(StatusCodes.Status409Conflict, "Conflict", what);
}
