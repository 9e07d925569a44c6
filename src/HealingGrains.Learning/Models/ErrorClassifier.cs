using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using HealingGrains.Core.Fingerprinting;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Features;
using Microsoft.ML.Data;

namespace HealingGrains.Learning.Models;

/// <summary>The text the classifier reads for an error, and the features it takes from it.</summary>
public static class ErrorText
{
    /// <summary>The featurizer's name and version, stored in every classifier model.</summary>
    public const string Featurizer = "error-text/2";

    /// <summary>2¹³ hashed buckets shared by word unigrams, bigrams, character trigrams and domain words.</summary>
    public const int Dimension = 1 << 13;

    private const uint WordSpace = 1;
    private const uint BigramSpace = 2;
    private const uint TrigramSpace = 3;
    private const uint DomainSpace = 4;

    // One feature per healing domain, added for each word of the message that DomainLexicon places in it.
    private static readonly uint[] DomainFeatures = [.. Enumerable.Range(0, Enum.GetValues<ErrorCategory>().Length).Select(c => FeatureHash.Combine(DomainSpace, (uint)c))];

    // Texts longer than this are joined and masked in buffers of their own rather than in the thread's, so that one
    // huge message does not keep its buffers alive for the life of the thread.
    private const int BufferedLength = 1 << 14;

    [ThreadStatic]
    private static char[]? _joined;

    [ThreadStatic]
    private static char[]? _masked;

    /// <summary>Exception type, message and the first two stack lines, values masked.</summary>
    public static string Of(string? exceptionType, string? message, string? stackTrace) => new(Masked(exceptionType, message, stackTrace));

    /// <summary>
    /// Adds the features of <see cref="Of"/>'s text for an error, as <see cref="Extract(ReadOnlySpan{char}, FeatureVector)"/>
    /// does, without allocating the text: the hot path of classification.
    /// </summary>
    public static void Extract(string? exceptionType, string? message, string? stackTrace, FeatureVector vector) =>
        Extract(Masked(exceptionType, message, stackTrace), vector);

    // Of's text, joined and masked in the thread's buffers (valid until the thread's next call).
    private static ReadOnlySpan<char> Masked(string? exceptionType, string? message, string? stackTrace)
    {
        var frames = FirstLines(stackTrace, 2);
        var (typeLength, messageLength) = (exceptionType?.Length ?? 0, message?.Length ?? 0);
        var length = typeLength + 1 + messageLength + 1 + frames.Length;
        var text = (length > BufferedLength ? new char[length] : _joined ??= new char[BufferedLength]).AsSpan(0, length);
        exceptionType.AsSpan().CopyTo(text);
        text[typeLength] = ' ';
        message.AsSpan().CopyTo(text[(typeLength + 1)..]);
        text[typeLength + 1 + messageLength] = ' ';
        frames.CopyTo(text[(typeLength + messageLength + 2)..]);

        // The masked text is seldom longer than the text (each value becomes three characters, and runs of them one).
        var masked = length > BufferedLength / 2 ? new char[length * 2] : _masked ??= new char[BufferedLength];
        int written;
        while (!VariableMasker.TryMask(text, masked, out written))
        {
            masked = new char[masked.Length * 2];
        }

        return masked.AsSpan(0, written);
    }

    /// <summary>
    /// Adds the text's features: each word, each pair of neighbouring words, and each character trigram of a word
    /// with its boundaries (<c>^co</c>, <c>con</c>, …, <c>ed$</c>), so that an unseen word still shares features with
    /// words it resembles; and, for each word <see cref="DomainLexicon"/> knows, its domains, so that an unseen
    /// phrasing shares features with others that name the same domain in other words. The vector is then scaled to
    /// unit length.
    /// </summary>
    public static void Extract(ReadOnlySpan<char> text, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var previous = 0u;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            // Identifiers read as words: "Npgsql.PostgresException" as "Npgsql Postgres Exception", "connection_pool"
            // as "connection pool"; the words inside them carry the meaning that lets the classifier recognise kinds of
            // messages it has not seen.
            var end = i == text.Length || IsSeparator(text[i]);
            var camel = !end && i > 0 && char.IsUpper(text[i]) && char.IsLower(text[i - 1]);
            if (!end && !camel)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start < 0)
            {
                continue;
            }

            var word = text[start..i];
            start = camel ? i : -1;
            var hash = FeatureHash.Of(word, WordSpace);
            vector.Add(hash);
            if (previous != 0)
            {
                vector.Add(FeatureHash.Combine(previous, hash) ^ BigramSpace);
            }

            previous = hash;
            AddTrigrams(word, vector);
            for (var domains = DomainLexicon.DomainsOf(word); domains != 0; domains &= domains - 1)
            {
                vector.Add(DomainFeatures[BitOperations.TrailingZeroCount(domains)]);
            }
        }

        vector.NormalizeL2();
    }

    private static void AddTrigrams(ReadOnlySpan<char> word, FeatureVector vector)
    {
        if (word.Length < 2)
        {
            return;
        }

        for (var i = -1; i + 1 <= word.Length; i++)
        {
            var first = i < 0 ? '^' : word[i];
            var second = i + 1 < word.Length ? word[i + 1] : '$';
            var third = i + 2 < word.Length ? word[i + 2] : '$';
            vector.Add(FeatureHash.Of(first, second, third, TrigramSpace));
            if (i + 2 >= word.Length)
            {
                break;
            }
        }
    }

    // White space and the punctuation that joins the words of identifiers and values; a table for ASCII, which is
    // nearly every character (a call per character cost a tenth of the featurizer's time).
    private static readonly bool[] AsciiSeparators = [.. Enumerable.Range(0, 128).Select(c => char.IsWhiteSpace((char)c) || "._-/:=()[]'\",;".Contains((char)c, StringComparison.Ordinal))];

    private static bool IsSeparator(char c) => c < 128 ? AsciiSeparators[c] : char.IsWhiteSpace(c);

    private static ReadOnlySpan<char> FirstLines(string? text, int lines)
    {
        var end = -1;
        for (var n = 0; n < lines; n++)
        {
            var next = text is null ? -1 : text.IndexOf('\n', end + 1);
            if (next < 0)
            {
                return text;
            }

            end = next;
        }

        return text.AsSpan(0, end);
    }
}

/// <summary>
/// The error classifier: a multinomial logistic regression (trained by ML.NET's L-BFGS maximum-entropy trainer) over
/// 2¹³ hashed word, word-pair, character-trigram and domain-word features of the masked text, plus, for each category,
/// the message's similarity to the nearest of its families' prototypes (<see cref="FamilyPrototypes"/>). Scoring
/// touches only the buckets a message has, so it is fast and thread-safe; the model is 11 × 2¹³ weights and about
/// 54,000 prototype weights (about 620 KB).
/// </summary>
/// <remarks>
/// Format (little-endian): the ASCII magic <c>HGEC</c>, format version 1, the length of the linear model's bytes, the
/// linear model (<see cref="LinearModel"/>), then the prototypes (<see cref="FamilyPrototypes"/>). A classifier saved
/// by an earlier build is a linear model alone (<c>HGLM</c>), and loads as one without prototypes.
/// </remarks>
public sealed class ErrorClassifier
{
    /// <summary>
    /// How much the nearest prototype's similarity adds to its category's score (chosen on the development folds:
    /// 4, 8 and 16 all gained; 8 the most).
    /// </summary>
    public const float PrototypeWeight = 8f;

    private const int FormatVersion = 1;
    private static readonly byte[] Magic = "HGEC"u8.ToArray();

    /// <summary>Copies of each training message with words dropped.</summary>
    public const int AugmentedCopies = 8;

    /// <summary>The chance that a word is dropped from a copy.</summary>
    public const double WordDropRate = 0.4;

    [ThreadStatic]
    private static FeatureVector? _vector;

    private ErrorClassifier(LinearModel model, FamilyPrototypes? prototypes)
    {
        Model = model;
        Prototypes = prototypes;
    }

    /// <summary>The weights.</summary>
    public LinearModel Model { get; }

    /// <summary>A classifier of given parts (for tests and tools that build one by hand).</summary>
    internal static ErrorClassifier Of(LinearModel model, FamilyPrototypes? prototypes) => new(model, prototypes);

    /// <summary>The families' prototypes; none in a classifier saved by an earlier build.</summary>
    public FamilyPrototypes? Prototypes { get; }

    /// <summary>Trains a classifier on labelled entries with a fixed seed (same data, same model).</summary>
    public static ErrorClassifier Train(IEnumerable<CorpusEntry> entries, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var categories = Enum.GetNames<ErrorCategory>();
        var vector = new FeatureVector(ErrorText.Dimension);

        // Each message is also learned from copies with words dropped at random, so that the model leans on every
        // cue a message has rather than on its one most telling word: a new phrasing may lack that word. (Chosen on a
        // development split, three templates trained and the fourth validated: 0.850 → 0.871 macro-F1 over three seeds.)
        var random = new Random(seed);
        var rows = new List<(VBuffer<float>, int)>();
        var originals = new List<(string, int, VBuffer<float>)>();
        foreach (var e in entries)
        {
            var text = ErrorText.Of(e.ExceptionType, e.Message, e.StackTrace);
            vector.Clear();
            ErrorText.Extract(text, vector);
            var original = vector.ToVBuffer();
            rows.Add((original, (int)e.Category));
            originals.Add((e.Family, (int)e.Category, original));
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var k = 0; k < AugmentedCopies && words.Length > 3; k++)
            {
                vector.Clear();
                ErrorText.Extract(string.Join(' ', words.Where(_ => random.NextDouble() >= WordDropRate)), vector);
                rows.Add((vector.ToVBuffer(), (int)e.Category));
            }
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("There is nothing to train on.", nameof(entries));
        }

        // Prototypes from the messages as written, not the copies: a prototype is what a family's messages share.
        var prototypes = FamilyPrototypes.Build(ErrorText.Featurizer, ErrorText.Dimension, PrototypeWeight, originals);
        return new ErrorClassifier(LinearTrainer.Multiclass(ErrorText.Featurizer, ErrorText.Dimension, categories, rows, seed), prototypes);
    }

    /// <summary>Loads a classifier saved with <see cref="Save"/>; <see cref="InvalidDataException"/> says why bytes are not one.</summary>
    public static ErrorClassifier Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var (linear, rest) = Parts(bytes);
        var model = LinearModel.Load(linear, ErrorText.Featurizer);
        if (model.Dimension != ErrorText.Dimension)
        {
            // Scoring hashes into this build's buckets; fewer weights would be indexed past.
            throw new InvalidDataException($"The model has {model.Dimension} buckets; this build's features use {ErrorText.Dimension}.");
        }

        if (!model.Classes.SequenceEqual(Enum.GetNames<ErrorCategory>()))
        {
            throw new InvalidDataException($"The model's classes ({string.Join(", ", model.Classes)}) are not this build's categories.");
        }

        var prototypes = rest.Length == 0 ? null : FamilyPrototypes.Load(rest, ErrorText.Featurizer, model.Dimension, model.Classes.Count);
        return new ErrorClassifier(model, prototypes);
    }

    /// <summary>The model's bytes, in the format described above.</summary>
    public byte[] Save()
    {
        var linear = Model.Save();
        if (Prototypes is null)
        {
            return linear;
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(linear.Length);
            writer.Write(linear);
            writer.Write(Prototypes.Save());
        }

        return stream.ToArray();
    }

    // The linear model's bytes and the prototypes' (none for an earlier build's classifier, a linear model alone).
    private static (byte[] Linear, byte[] Prototypes) Parts(byte[] bytes)
    {
        if (!bytes.AsSpan().StartsWith(Magic))
        {
            // An earlier build's classifier is a linear model alone.
            return bytes.AsSpan().StartsWith("HGLM"u8) ? (bytes, []) : throw new InvalidDataException("These bytes are not a HealingGrains error classifier (no HGEC or HGLM header).");
        }

        var header = Magic.Length + (2 * sizeof(int));
        if (bytes.Length < header)
        {
            throw new InvalidDataException("The classifier's bytes end before its header does.");
        }

        var version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Classifier format {version} is not supported; this build reads format {FormatVersion}.");
        }

        var length = BitConverter.ToInt32(bytes, Magic.Length + sizeof(int));
        if (length < 0 || length > bytes.Length - header)
        {
            throw new InvalidDataException("The classifier's linear model is truncated.");
        }

        return (bytes[header..(header + length)], bytes[(header + length)..]);
    }

    /// <summary>The category of one error: <see cref="Predict"/>'s, without its probability.</summary>
    public ErrorCategory Classify(string? exceptionType, string? message, string? stackTrace)
    {
        var vector = Features(exceptionType, message, stackTrace);
        Span<float> scores = stackalloc float[Model.Classes.Count];
        Model.Score(vector, scores);

        // The prototypes add between 0 and MostAdded to each category's score. When the linear model's best category
        // leads every other by more than that, they cannot change the category (about three messages in ten on the
        // corpus), and computing them is most of a classification's cost.
        var (best, lead) = LinearModel.Leader(scores);
        if (Prototypes is { } prototypes && lead <= prototypes.MostAdded(vector))
        {
            prototypes.AddTo(vector, scores);
            (best, _) = LinearModel.Leader(scores);
        }

        return (ErrorCategory)best;
    }

    /// <summary>The category of one error and the model's probability for it.</summary>
    public (ErrorCategory Category, double Probability) Predict(string? exceptionType, string? message, string? stackTrace)
    {
        var vector = Features(exceptionType, message, stackTrace);
        Span<float> scores = stackalloc float[Model.Classes.Count];
        Model.Score(vector, scores);
        Prototypes?.AddTo(vector, scores);
        var (best, probability) = LinearModel.Best(scores);
        return ((ErrorCategory)best, probability);
    }

    private static FeatureVector Features(string? exceptionType, string? message, string? stackTrace)
    {
        var vector = _vector ??= new FeatureVector(ErrorText.Dimension);
        vector.Clear();
        ErrorText.Extract(exceptionType, message, stackTrace, vector);
        return vector;
    }

    /// <summary>Macro-F1 and per-category precision, recall and F1 on labelled entries.</summary>
    public ClassifierMetrics Evaluate(IEnumerable<CorpusEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var pairs = entries.Select(e => (Actual: e.Category, Predicted: Classify(e.ExceptionType, e.Message, e.StackTrace))).ToList();
        var perCategory = Enum.GetValues<ErrorCategory>().ToDictionary(c => c, c =>
        {
            var truePositives = pairs.Count(p => p.Actual == c && p.Predicted == c);
            var predicted = pairs.Count(p => p.Predicted == c);
            var actual = pairs.Count(p => p.Actual == c);
            var precision = predicted == 0 ? 0 : (double)truePositives / predicted;
            var recall = actual == 0 ? 0 : (double)truePositives / actual;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new CategoryMetrics(precision, recall, f1, actual);
        });
        var present = perCategory.Where(p => p.Value.Support > 0).ToList();
        return new ClassifierMetrics(
            present.Count == 0 ? 0 : present.Average(p => p.Value.F1),
            pairs.Count == 0 ? 0 : (double)pairs.Count(p => p.Actual == p.Predicted) / pairs.Count,
            perCategory);
    }

    /// <summary>SHA-256 (hex) of labelled entries, in order: two models compare only on the same held-out hash.</summary>
    public static string Hash(IEnumerable<CorpusEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in entries)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{e.Category}\u001f{e.ExceptionType}\u001f{e.Message}\u001f{e.StackTrace}\u001e"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>How a classifier did on one category.</summary>
public sealed record CategoryMetrics(double Precision, double Recall, double F1, int Support);

/// <summary>How a classifier did overall: macro-F1 (mean over categories present), accuracy, and per category.</summary>
public sealed record ClassifierMetrics(double MacroF1, double Accuracy, IReadOnlyDictionary<ErrorCategory, CategoryMetrics> PerCategory);
