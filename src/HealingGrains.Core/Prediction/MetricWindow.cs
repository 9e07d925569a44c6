using System.Buffers.Binary;

namespace HealingGrains.Core.Prediction;

/// <summary>One point of a metric series.</summary>
/// <param name="At">When it was measured (the sender's clock).</param>
/// <param name="Value">The value.</param>
public readonly record struct MetricSample(DateTimeOffset At, double Value);

/// <summary>What adding a point did to a window.</summary>
public enum WindowChange
{
    /// <summary>Newer than every point kept: appended (the oldest point left when the window was full).</summary>
    Appended,

    /// <summary>Older than the newest point: inserted in time order (late, so a streaming detector has not seen it).</summary>
    Inserted,

    /// <summary>A point with the same timestamp was kept: its value was replaced (a re-sent point).</summary>
    Replaced,

    /// <summary>Older than every point of a full window: not kept.</summary>
    Dropped,
}

/// <summary>
/// The newest points of one metric, at most <see cref="Capacity"/>, in time order with distinct timestamps. Late points
/// are inserted where they belong, a point with a timestamp already kept replaces that point's value, and a full window
/// forgets its oldest point first.
/// </summary>
public sealed class MetricWindow
{
    private const byte Format = 1;
    private const int PointBytes = 16;
    private readonly List<MetricSample> _points;

    /// <summary>An empty window of at most <paramref name="capacity"/> points.</summary>
    public MetricWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _points = new List<MetricSample>(Math.Min(capacity, 64));
    }

    /// <summary>The most points kept.</summary>
    public int Capacity { get; }

    /// <summary>The points, oldest first.</summary>
    public IReadOnlyList<MetricSample> Points => _points;

    /// <summary>The newest point, if any.</summary>
    public MetricSample? Latest => _points.Count == 0 ? null : _points[^1];

    /// <summary>Adds a point (see <see cref="WindowChange"/> for what can happen to it).</summary>
    public WindowChange Add(DateTimeOffset at, double value)
    {
        var sample = new MetricSample(at.ToUniversalTime(), value);
        if (_points.Count == 0 || sample.At > _points[^1].At)
        {
            _points.Add(sample);
            Trim();
            return WindowChange.Appended;
        }

        var index = Find(sample.At);
        if (index >= 0)
        {
            _points[index] = sample;
            return WindowChange.Replaced;
        }

        index = ~index;
        if (index == 0 && _points.Count >= Capacity)
        {
            return WindowChange.Dropped;
        }

        _points.Insert(index, sample);
        Trim();
        return WindowChange.Inserted;
    }

    /// <summary>The points from <paramref name="from"/> (exclusive) to <paramref name="to"/> (inclusive), oldest first.</summary>
    public IEnumerable<MetricSample> Between(DateTimeOffset from, DateTimeOffset to) =>
        _points.Where(p => p.At > from && p.At <= to);

    /// <summary>The points as bytes: a format byte, then per point its UTC ticks and value (16 bytes, little-endian).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[1 + (_points.Count * PointBytes)];
        bytes[0] = Format;
        for (var i = 0; i < _points.Count; i++)
        {
            var span = bytes.AsSpan(1 + (i * PointBytes), PointBytes);
            BinaryPrimitives.WriteInt64LittleEndian(span, _points[i].At.UtcTicks);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], _points[i].Value);
        }

        return bytes;
    }

    /// <summary>A window of <paramref name="capacity"/> from <see cref="ToBytes"/>; the newest points when there are more.</summary>
    public static MetricWindow FromBytes(ReadOnlySpan<byte> bytes, int capacity)
    {
        var window = new MetricWindow(capacity);
        if (bytes.Length == 0)
        {
            return window;
        }

        if (bytes[0] != Format || (bytes.Length - 1) % PointBytes != 0)
        {
            throw new FormatException($"Not a metric window of format {Format} ({bytes.Length} bytes).");
        }

        var count = (bytes.Length - 1) / PointBytes;
        for (var i = Math.Max(0, count - capacity); i < count; i++)
        {
            var span = bytes.Slice(1 + (i * PointBytes), PointBytes);
            window.Add(
                new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span), TimeSpan.Zero),
                BinaryPrimitives.ReadDoubleLittleEndian(span[8..]));
        }

        return window;
    }

    private void Trim()
    {
        if (_points.Count > Capacity)
        {
            _points.RemoveRange(0, _points.Count - Capacity);
        }
    }

    private int Find(DateTimeOffset at)
    {
        int lo = 0, hi = _points.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var compare = _points[mid].At.CompareTo(at);
            if (compare == 0)
            {
                return mid;
            }

            if (compare < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
