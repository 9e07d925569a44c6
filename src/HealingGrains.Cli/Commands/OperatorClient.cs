using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// The operator's APIs of one host (models, federation) with the operator key. Every call answers the body, or the
/// problem's detail (the status when the host sent no problem) for the command to print.
/// </summary>
internal sealed class OperatorClient(HttpClient http, string operatorKey)
{
    /// <summary>
    /// Checks <c>--url</c> and the operator key (a usage error without them), then runs <paramref name="run"/> against the
    /// host, reporting a host that cannot be reached or does not answer. <paramref name="command"/> starts every message
    /// (<c>hg models</c>).
    /// </summary>
    public static async Task<int> RunAsync(
        string command, string verb, ParseResult parse, Option<string?> url, Option<string?> key, Func<OperatorClient, TextWriter, TextWriter, Task<int>> run)
    {
        var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        var operatorKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("HG_OPERATOR_KEY");
        if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https") || string.IsNullOrWhiteSpace(operatorKey))
        {
            return await UsageAsync(error, command, verb,
                "--url needs an http(s) address such as http://localhost:5080 and an operator key (--operator-key or HG_OPERATOR_KEY).");
        }

        // Training on the host takes seconds, more on a busy one: a generous timeout rather than the default 100 s.
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        try
        {
            return await run(new OperatorClient(http, operatorKey), output, error);
        }
        catch (HttpRequestException ex)
        {
            return await FailAsync(error, command, verb, $"{address} could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            return await FailAsync(error, command, verb, $"{address} did not answer within {http.Timeout.TotalMinutes:F0} minutes.");
        }
    }

    /// <summary>Writes <c>&lt;command&gt; &lt;verb&gt;: message</c> and answers the usage exit code.</summary>
    public static async Task<int> UsageAsync(TextWriter error, string command, string verb, string message)
    {
        await error.WriteLineAsync($"{command} {verb}: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>Writes <c>&lt;command&gt; &lt;verb&gt;: problem</c> and answers the failure exit code.</summary>
    public static async Task<int> FailAsync(TextWriter error, string command, string verb, string problem)
    {
        await error.WriteLineAsync($"{command} {verb}: {problem}");
        return ExitCodes.Failure;
    }

    public Task<Answer> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<Answer> PostAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, null, cancellationToken);

    /// <summary>Posts a model file as <c>application/octet-stream</c>, streamed rather than read into memory first.</summary>
    public async Task<Answer> UploadAsync(string path, FileInfo model, CancellationToken cancellationToken)
    {
        await using var file = model.OpenRead();
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await SendAsync(HttpMethod.Post, path, content, cancellationToken);
    }

    /// <summary>Posts a JSON file as <c>application/json</c>, streamed.</summary>
    public async Task<Answer> PostJsonFileAsync(string path, FileInfo json, CancellationToken cancellationToken)
    {
        await using var file = json.OpenRead();
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(HttpMethod.Post, path, content, cancellationToken);
    }

    public async Task<(byte[]? Bytes, string? Problem)> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadAsByteArrayAsync(cancellationToken), null)
            : (null, await DescribeAsync(response, cancellationToken));
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, content);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new Answer(default, await DescribeAsync(response, cancellationToken));
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return new Answer(text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return new Answer(default, $"{(int)response.StatusCode}: the host's answer is not JSON.");
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
        return request;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            return string.Join(": ", new[] { status, string.IsNullOrEmpty(detail) ? title : detail }.Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(text) ? status : $"{status}: {text[..Math.Min(text.Length, 500)]}";
        }
    }

    /// <summary>The answer's JSON, or why there is none.</summary>
    internal readonly record struct Answer(JsonElement Body, string? Problem);
}
