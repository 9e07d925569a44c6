using System.Text;
using System.Text.Json;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Silo.Api;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// What the ingest path allocates per event, on one thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>): under
/// load the host's collections, and with them its tail latency and its capacity, follow the bytes it allocates per
/// event. Sampled at the eighteenth session's start, under load: about 2.6 KB per event in all, of which the
/// validator's field paths (built for every field of every valid event) were a third.
/// </summary>
public sealed class IngestAllocationTests
{
    private const int Events = 50;

    [Fact]
    public void ValidatingAValidBatchAllocatesItsEventsAndNothingPerField()
    {
        var request = JsonSerializer.Deserialize(Body(), ApiJsonContext.Default.TelemetryRequest)!;
        var receivedAt = DateTimeOffset.UtcNow;
        Validate(request, receivedAt); // the first call's one-time costs

        var before = GC.GetAllocatedBytesForCurrentThread();
        var events = Validate(request, receivedAt);
        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Events;

        Assert.Equal(Events, events.Count);
        // 159 bytes measured (the event and its list slot); 841 when every field's path ("events[12].message", 60 bytes
        // each) was built for every valid event.
        Assert.True(perEvent < 250, $"validating a valid batch allocated {perEvent:F0} bytes per event");
    }

    [Fact]
    public void ReadingARequestBuildsEachEventWithoutArgumentState()
    {
        var body = Body();
        JsonSerializer.Deserialize(body, ApiJsonContext.Default.TelemetryRequest);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var request = JsonSerializer.Deserialize(body, ApiJsonContext.Default.TelemetryRequest)!;
        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Events;

        Assert.Equal(Events, request.Events!.Count);
        // 322 bytes measured: the model, its kind and message strings, a list slot. Built through the parameterized path
        // (init-only properties) it was 411: an argument array and a boxed timestamp per event besides.
        Assert.True(perEvent < 370, $"reading a request allocated {perEvent:F0} bytes per event");
    }

    [Fact]
    public void AnInvalidFieldIsStillNamedByItsPath()
    {
        var request = new TelemetryRequest
        {
            Deployment = "web",
            Events =
            [
                new TelemetryEventModel { Kind = "error", Message = "fine" },
                new TelemetryEventModel { Kind = "ERROR", Message = new string('x', TelemetryValidator.MaxStringBytes + 1) },
                new TelemetryEventModel { Kind = "Metric", Name = "cpu", Value = 0.5 },
                new TelemetryEventModel { Kind = "trace", Message = "m" },
                new TelemetryEventModel
                {
                    Kind = "error",
                    Message = "m",
                    Attributes = new Dictionary<string, JsonElement> { ["host"] = JsonDocument.Parse("[1]").RootElement.Clone() },
                },
            ],
        };
        var errors = new Dictionary<string, string[]>();

        var events = TelemetryValidator.Validate(request.Events, DateTimeOffset.UtcNow, errors);

        Assert.Equal([DiagnosticEventKind.Error, DiagnosticEventKind.Metric], events.Select(e => e.Kind));
        Assert.Equal(["events[1].message", "events[3].kind", "events[4].attributes.host"], errors.Keys.Order(StringComparer.Ordinal));
    }

    private static List<DiagnosticEvent> Validate(TelemetryRequest request, DateTimeOffset receivedAt)
    {
        var errors = new Dictionary<string, string[]>();
        var events = TelemetryValidator.Validate(request.Events, receivedAt, errors);
        Assert.Empty(errors);
        return events;
    }

    // As `hg load` sends them: a kind, a timestamp and a message with numbers.
    private static byte[] Body()
    {
        var text = new StringBuilder("{\"deployment\":\"web\",\"events\":[");
        for (var i = 0; i < Events; i++)
        {
            text.Append(i == 0 ? "" : ",")
                .Append("{\"kind\":\"error\",\"timestamp\":\"2026-11-27T17:00:00.000+00:00\",\"message\":\"Timeout after ")
                .Append(100 + i).Append(" ms calling inventory-svc for order ").Append(7 * i).Append("\"}");
        }

        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }
}
