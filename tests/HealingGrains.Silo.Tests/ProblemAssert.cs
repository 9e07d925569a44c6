namespace HealingGrains.Silo.Tests;

internal static class ProblemAssert
{
    /// <summary>Asserts the status and that the body is RFC 9457 problem details with that status.</summary>
    public static async Task<System.Text.Json.JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        return body;
    }
}
