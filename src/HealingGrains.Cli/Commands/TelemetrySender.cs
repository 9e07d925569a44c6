using System.Net;
using System.Text;
using System.Text.Json;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// Reads telemetry events as JSON lines and posts them to <c>/api/v1/telemetry</c> in batches within the API's limits
/// (1,000 events, 1 MiB per request), retrying 429 and 503 after their <c>Retry-After</c>.
/// </summary>
internal sealed class TelemetrySender(HttpClient http, string key, TextWriter progress, int maxAttempts = 5, TimeSpan? maxRetryDelay = null)
{
    public const int MaxEvents = 1000;
    public const int MaxBytes = 1024 * 1024;

    private readonly TimeSpan _maxRetryDelay = maxRetryDelay ?? TimeSpan.FromSeconds(30);

    public async Task<SendSummary> SendAsync(string deployment, TextReader reader, CancellationToken cancellationToken)
    {
        var sent = 0;
        var batches = 0;
        try
        {
            foreach (var batch in Batches(deployment, ReadEvents(reader)))
            {
                var error = await PostAsync(batch.Body, cancellationToken);
                if (error is not null)
                {
                    return new SendSummary(sent, batches, $"batch of lines {batch.FirstLine}-{batch.LastLine}: {error}");
                }

                sent += batch.Count;
                batches++;
                await progress.WriteLineAsync($"sent {sent} events ({batches} batches)");
            }
        }
        catch (FormatException ex)
        {
            return new SendSummary(sent, batches, ex.Message);
        }

        return new SendSummary(sent, batches, null);
    }

    /// <summary>Groups events into request bodies of at most <see cref="MaxEvents"/> events and <see cref="MaxBytes"/> bytes.</summary>
    internal static IEnumerable<Batch> Batches(string deployment, IEnumerable<(int Line, string Json)> events)
    {
        var prefix = $"{{\"deployment\":{JsonSerializer.Serialize(deployment)},\"events\":[";
        const string suffix = "]}";
        var envelope = Encoding.UTF8.GetByteCount(prefix) + suffix.Length;

        var body = new StringBuilder(prefix);
        var count = 0;
        var bytes = envelope;
        var first = 0;
        var last = 0;
        foreach (var (line, json) in events)
        {
            var size = Encoding.UTF8.GetByteCount(json);
            if (envelope + size > MaxBytes)
            {
                throw new FormatException($"line {line}: the event alone is larger than a request may be ({MaxBytes} bytes).");
            }

            if (count == MaxEvents || bytes + size + (count > 0 ? 1 : 0) > MaxBytes)
            {
                yield return new Batch(body.Append(suffix).ToString(), count, first, last);
                body.Clear().Append(prefix);
                count = 0;
                bytes = envelope;
            }

            if (count > 0)
            {
                body.Append(',');
                bytes++;
            }
            else
            {
                first = line;
            }

            body.Append(json);
            bytes += size;
            count++;
            last = line;
        }

        if (count > 0)
        {
            yield return new Batch(body.Append(suffix).ToString(), count, first, last);
        }
    }

    private static IEnumerable<(int Line, string Json)> ReadEvents(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var json = line.Trim();
            if (json.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"line {number}: an event must be a JSON object.");
                }
            }
            catch (JsonException ex)
            {
                throw new FormatException($"line {number}: not valid JSON ({ex.Message})", ex);
            }

            yield return (number, json);
        }
    }

    private async Task<string?> PostAsync(string body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && attempt < maxAttempts)
            {
                var delay = RetryDelay(response);
                await progress.WriteLineAsync($"host answered {(int)response.StatusCode}; retrying in {delay.TotalSeconds:F0} s (attempt {attempt + 1} of {maxAttempts})");
                await Task.Delay(delay, cancellationToken);
                continue;
            }

            return await DescribeAsync(response, cancellationToken);
        }
    }

    private TimeSpan RetryDelay(HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        var delay = retry?.Delta
            ?? (retry?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(1));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _maxRetryDelay ? _maxRetryDelay : delay;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return string.Join(": ", new[] { status, title, detail }.Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(text) ? status : $"{status}: {text[..Math.Min(text.Length, 500)]}";
        }
    }

    /// <summary>One request body and the input lines it carries.</summary>
    internal sealed record Batch(string Body, int Count, int FirstLine, int LastLine);
}
