using System.Text;

namespace HealingGrains.Learning.Models;

/// <summary>
/// The header each of the project's model formats starts with: an ASCII magic that names the format, its version,
/// and the featurizer's name (which features the numbers that follow belong to).
/// </summary>
internal sealed record ModelHeader(string Magic, int Version, string Description)
{
    /// <summary>Writes the header for <paramref name="featurizer"/>.</summary>
    public void Write(BinaryWriter writer, string featurizer)
    {
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(Version);
        writer.Write(featurizer);
    }

    /// <summary>
    /// Reads the header; throws <see cref="InvalidDataException"/> with the reason when it is not this format's, of
    /// this version, for <paramref name="featurizer"/>.
    /// </summary>
    public void Read(BinaryReader reader, string featurizer)
    {
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(Magic)))
        {
            throw new InvalidDataException($"These bytes are not {Description} (no {Magic} header).");
        }

        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"Format {version} of {Description} is not supported; this build reads format {Version}.");
        }

        var stored = reader.ReadString();
        if (stored != featurizer)
        {
            throw new InvalidDataException($"These bytes are {Description} made from features '{stored}', not '{featurizer}'.");
        }
    }
}
