namespace HealingGrains.Silo.Hosting;

/// <summary>
/// The last problem-details writer: it writes for every request, so a client whose <c>Accept</c> admits none of the
/// others (<c>Accept: text/csv</c>) still gets its problem as <c>application/problem+json</c> rather than an empty
/// body or, where a writer was required, a 500.
/// </summary>
internal sealed class FallbackProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        new(context.HttpContext.Response.WriteAsJsonAsync(
            context.ProblemDetails, Api.ApiJsonContext.Default.ProblemDetails, "application/problem+json", context.HttpContext.RequestAborted));
}
