using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Audit;

/// <summary>
/// Links records into a tamper-evident chain: each record's hash covers its content and the previous hash, so editing
/// any record or removing one breaks every link after it.
/// </summary>
public static class HashChain
{
    /// <summary>The "previous hash" of the first record.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash of a record with this content following a record with <paramref name="previousHash"/>.</summary>
    public static string Link(string previousHash, long sequence, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{previousHash}\n{sequence}\n{content}")));

    /// <summary>
    /// Walks records in sequence order, expecting sequences 1..<paramref name="expectedCount"/> without gaps; reports
    /// the first record that was altered or is missing.
    /// </summary>
    public static ChainVerification Verify(IEnumerable<ChainRecord> records, long expectedCount)
    {
        ArgumentNullException.ThrowIfNull(records);
        var previous = Genesis;
        long seen = 0;
        foreach (var record in records)
        {
            var expected = seen + 1;
            if (record.Sequence != expected)
            {
                return new ChainVerification(false, seen, expected, $"Record {expected} is missing.");
            }

            if (Link(previous, record.Sequence, record.Content) != record.Hash)
            {
                return new ChainVerification(false, seen, record.Sequence, $"Record {record.Sequence} was altered (its hash does not match).");
            }

            previous = record.Hash;
            seen = record.Sequence;
        }

        return seen < expectedCount
            ? new ChainVerification(false, seen, seen + 1, $"Record {seen + 1} is missing.")
            : new ChainVerification(true, seen, null, null);
    }
}

/// <summary>One stored link: its position, its content as hashed, and its hash.</summary>
public sealed record ChainRecord(long Sequence, string Content, string Hash);

/// <summary>The outcome of a verification.</summary>
public sealed record ChainVerification(bool Valid, long Records, long? FirstInvalidSequence, string? Problem);
