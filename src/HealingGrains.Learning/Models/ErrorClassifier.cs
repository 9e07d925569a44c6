using HealingGrains.Core.Fingerprinting;
using HealingGrains.Learning.Corpus;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace HealingGrains.Learning.Models;

/// <summary>One error as the classifier reads it.</summary>
public sealed class ErrorText
{
    /// <summary>Exception type, masked message and the first frames of the stack, in one text.</summary>
    public string Text { get; set; } = "";

    /// <summary>The category's name, for training; empty when predicting.</summary>
    public string Label { get; set; } = "";

    /// <summary>The text the classifier reads for an error: values masked, so that it learns words, not numbers.</summary>
    public static string Of(string? exceptionType, string? message, string? stackTrace)
    {
        var frames = stackTrace is null ? "" : string.Join(' ', stackTrace.Split('\n').Take(2));
        return SplitWords(VariableMasker.Mask($"{exceptionType} {message} {frames}"));
    }

    // "Npgsql.PostgresException" reads as "Npgsql Postgres Exception", "connection_pool" as "connection pool": the
    // words inside identifiers carry the meaning that lets the classifier recognise kinds of messages it has not seen.
    private static string SplitWords(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (i > 0 && char.IsUpper(c) && char.IsLower(text[i - 1]))
            {
                builder.Append(' ');
            }

            builder.Append(c is '.' or '_' or '-' or '/' or ':' or '=' or '(' or ')' or '[' or ']' or '\'' or '"' ? ' ' : c);
        }

        return builder.ToString();
    }
}

/// <summary>ML.NET's output: the predicted label and one score per category.</summary>
public sealed class ErrorPrediction
{
    /// <summary>The predicted category's name.</summary>
    [ColumnName("PredictedLabel")]
    public string Category { get; set; } = "";

    /// <summary>The probability of each category, in the order of the model's label keys.</summary>
    public float[] Score { get; set; } = [];
}

/// <summary>
/// The error classifier: a multinomial logistic regression over hashed word unigrams and bigrams and character
/// trigrams of the masked text. Small by construction: 2 × 2¹² hashed features × 11 categories.
/// </summary>
public sealed class ErrorClassifier
{
    private const int HashBits = 12;

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly PredictionEngine<ErrorText, ErrorPrediction> _engine;

    private ErrorClassifier(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        _ml = ml;
        _model = model;
        Schema = schema;
        _engine = ml.Model.CreatePredictionEngine<ErrorText, ErrorPrediction>(model, schema);
    }

    /// <summary>The input schema the model was trained on.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>Trains a classifier on labelled corpus entries with a fixed seed (same data, same model).</summary>
    public static ErrorClassifier Train(IEnumerable<CorpusEntry> entries, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(entries.Select(ToText));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.NormalizeText("Normalized", "Text"))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Words", "Normalized"))
            .Append(ml.Transforms.Text.ProduceHashedWordBags("WordFeatures", "Words", numberOfBits: HashBits, ngramLength: 2))
            .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Normalized"))
            .Append(ml.Transforms.Text.ProduceHashedNgrams("CharFeatures", "Chars", numberOfBits: HashBits, ngramLength: 3))
            .Append(ml.Transforms.Concatenate("Features", "WordFeatures", "CharFeatures"))
            .Append(ml.Transforms.NormalizeLpNorm("Features"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return new ErrorClassifier(ml, pipeline.Fit(data), data.Schema);
    }

    /// <summary>Loads a classifier saved with <see cref="Save"/>.</summary>
    public static ErrorClassifier Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var ml = new MLContext(1);
        using var stream = new MemoryStream(bytes, writable: false);
        var model = ml.Model.Load(stream, out var schema);
        return new ErrorClassifier(ml, model, schema);
    }

    /// <summary>The model as bytes (an ML.NET model archive).</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        _ml.Model.Save(_model, Schema, stream);
        return stream.ToArray();
    }

    /// <summary>The category of one error. Not thread-safe: one classifier per grain activation or command.</summary>
    public ErrorCategory Classify(string? exceptionType, string? message, string? stackTrace) =>
        Enum.Parse<ErrorCategory>(_engine.Predict(new ErrorText { Text = ErrorText.Of(exceptionType, message, stackTrace) }).Category);

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

    private static ErrorText ToText(CorpusEntry e) => new()
    {
        Text = ErrorText.Of(e.ExceptionType, e.Message, e.StackTrace),
        Label = e.Category.ToString(),
    };
}

/// <summary>How a classifier did on one category.</summary>
public sealed record CategoryMetrics(double Precision, double Recall, double F1, int Support);

/// <summary>How a classifier did overall: macro-F1 (mean over categories present), accuracy, and per category.</summary>
public sealed record ClassifierMetrics(double MacroF1, double Accuracy, IReadOnlyDictionary<ErrorCategory, CategoryMetrics> PerCategory);
