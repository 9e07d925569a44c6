using System.IO.Compression;
using Orleans.Serialization;

namespace HealingGrains.Storage.Queues;

/// <summary>
/// A queue message's bytes: a format byte, then the Orleans binary serialization of the body, Brotli-compressed. The queue
/// client base64-encodes them, and Azure takes at most 64 KiB of text: so at most <see cref="MaxBytes"/> bytes.
/// </summary>
public sealed class QueueMessageCodec(Serializer serializer)
{
    /// <summary>The most bytes a message may have before base64 encoding (64 KiB of base64 text, less a margin).</summary>
    public const int MaxBytes = 48 * 1000;

    private const byte BrotliOrleansBinary = 1;

    /// <summary>The message for <paramref name="body"/>; throws <see cref="QueueMessageTooLargeException"/> past <see cref="MaxBytes"/>.</summary>
    public BinaryData Encode(QueueMessageBody body)
    {
        var raw = serializer.SerializeToArray(body);
        using var output = new MemoryStream(raw.Length / 2 + 16);
        output.WriteByte(BrotliOrleansBinary);
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(raw);
        }

        if (output.Length > MaxBytes)
        {
            throw new QueueMessageTooLargeException(
                $"The events of one publication take {output.Length} bytes compressed; a queue message holds at most {MaxBytes}. Publish fewer or smaller events at a time.");
        }

        return new BinaryData(output.ToArray());
    }

    /// <summary>The body of a message written by <see cref="Encode"/>.</summary>
    public QueueMessageBody Decode(BinaryData message)
    {
        var bytes = message.ToMemory();
        if (bytes.Length == 0 || bytes.Span[0] != BrotliOrleansBinary)
        {
            throw new InvalidDataException($"The queue message is not in a known format (first byte {(bytes.Length == 0 ? "missing" : bytes.Span[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}).");
        }

        using var input = new MemoryStream(bytes[1..].ToArray());
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        brotli.CopyTo(raw);
        return serializer.Deserialize<QueueMessageBody>(raw.ToArray())
            ?? throw new InvalidDataException("The queue message holds no body.");
    }
}
