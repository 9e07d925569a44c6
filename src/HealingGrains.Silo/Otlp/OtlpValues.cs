using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using HealingGrains.Silo.Otlp.Proto.Common;

namespace HealingGrains.Silo.Otlp;

/// <summary>Reading OTLP attributes and values as the text the healing loop keeps.</summary>
internal static class OtlpValues
{
    /// <summary>The value of attribute <paramref name="key"/> as text, or null when absent or empty.</summary>
    public static string? Get(RepeatedField<KeyValue>? attributes, string key)
    {
        if (attributes is null)
        {
            return null;
        }

        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Key, key, StringComparison.Ordinal))
            {
                var text = Text(attribute.Value);
                return string.IsNullOrEmpty(text) ? null : text;
            }
        }

        return null;
    }

    /// <summary>A value as text: scalars as written, arrays and key-value lists in a compact readable form.</summary>
    public static string? Text(AnyValue? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.ValueCase == AnyValue.ValueOneofCase.StringValue)
        {
            return value.StringValue;
        }

        var builder = new StringBuilder();
        Append(builder, value);
        return builder.ToString();
    }

    /// <summary>Whether the value is a scalar (string, bool, int, double), which is what event attributes hold.</summary>
    public static bool IsScalar(AnyValue? value) =>
        value?.ValueCase is AnyValue.ValueOneofCase.StringValue or AnyValue.ValueOneofCase.BoolValue
            or AnyValue.ValueOneofCase.IntValue or AnyValue.ValueOneofCase.DoubleValue;

    /// <summary>Unix nanoseconds as a time; null for zero (unset).</summary>
    public static DateTimeOffset? Time(ulong unixNanos) =>
        unixNanos == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(unixNanos / 100, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks));

    /// <summary>Trace and span ids as lowercase hex, as OTLP's JSON writes them; null when empty.</summary>
    public static string? Hex(ByteString id) => id.IsEmpty ? null : Convert.ToHexStringLower(id.Span);

    private static void Append(StringBuilder builder, AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                builder.Append(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                builder.Append(value.BoolValue ? "true" : "false");
                break;
            case AnyValue.ValueOneofCase.IntValue:
                builder.Append(value.IntValue.ToString(CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                builder.Append(value.DoubleValue.ToString("R", CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                builder.Append(Convert.ToBase64String(value.BytesValue.Span));
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                builder.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    builder.Append(i > 0 ? ", " : "");
                    Append(builder, value.ArrayValue.Values[i]);
                }

                builder.Append(']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                builder.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    var pair = value.KvlistValue.Values[i];
                    builder.Append(i > 0 ? ", " : "").Append(pair.Key).Append('=');
                    if (pair.Value is not null)
                    {
                        Append(builder, pair.Value);
                    }
                }

                builder.Append('}');
                break;
        }
    }
}
