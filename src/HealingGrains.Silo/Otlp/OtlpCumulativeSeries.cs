using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Silo.Otlp;

/// <summary>What happened in a series between two of its points: the growth of its value and count, over how long.</summary>
internal readonly record struct OtlpInterval(double Value, double Count, double Seconds);

/// <summary>
/// The previous point of each cumulative series this host received (a monotonic sum's total, a histogram's sum and
/// count), so that a point can be turned into what happened since the one before it. Held in memory, per host, for at
/// most <see cref="Capacity"/> series; when full it starts afresh, and each series' next point counts from its start
/// time instead.
/// </summary>
internal sealed class OtlpCumulativeSeries
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<UInt128, Previous> _previous = new();

    /// <summary>A series' identity: tenant, deployment, resource, metric and the point's attributes.</summary>
    public static UInt128 Identity(params string[] parts)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>
    /// The interval since this series' previous point (same start time, nothing went down); after a restart of the
    /// series or for its first point, the interval since its start time; null when there is nothing to tell (the
    /// first point without a start time, or a point not newer than the previous one).
    /// </summary>
    public OtlpInterval? Next(UInt128 series, ulong startNanos, ulong timeNanos, double value, double count)
    {
        if (_previous.Count >= Capacity)
        {
            _previous.Clear();
        }

        OtlpInterval? result = null;
        if (_previous.TryGetValue(series, out var previous) && previous.Start == startNanos && value >= previous.Value && count >= previous.Count)
        {
            if (timeNanos <= previous.Time)
            {
                return null;
            }

            result = new OtlpInterval(value - previous.Value, count - previous.Count, (timeNanos - previous.Time) / 1e9);
        }
        else if (startNanos > 0 && timeNanos > startNanos)
        {
            result = new OtlpInterval(value, count, (timeNanos - startNanos) / 1e9);
        }

        _previous[series] = new Previous(startNanos, timeNanos, value, count);
        return result;
    }

    private readonly record struct Previous(ulong Start, ulong Time, double Value, double Count);
}
