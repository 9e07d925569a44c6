using System.Net.Http.Headers;
using System.Text.Json;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// The operator's APIs of one host (models, federation) with the operator key. Every call answers the body, or the
/// problem's detail (the status when the host sent no problem) for the command to print.
/// </summary>
internal sealed class OperatorClient(HttpClient http, string operatorKey)
{
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
