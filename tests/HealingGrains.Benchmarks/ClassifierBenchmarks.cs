using BenchmarkDotNet.Attributes;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Benchmarks;

/// <summary>The error classifier on corpus messages (new values; a third of them phrasings it never saw); one operation is one classification: masking, features, scores.</summary>
[MemoryDiagnoser]
[Config(typeof(LinesPerSecondConfig))]
public class ClassifierBenchmarks
{
    private const int Messages = 1_000;

    private CorpusEntry[] _entries = [];
    private ErrorClassifier _classifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _classifier = ErrorClassifier.Train(ErrorCorpus.Split().Train);
        _entries = [.. ErrorCorpus.Generate(seed: 99).Where((_, i) => i % 3 == 0).Take(Messages)];
    }

    /// <summary>1,000 errors classified one by one, as the classifier grain does.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int Classify()
    {
        var sum = 0;
        foreach (var e in _entries)
        {
            sum += (int)_classifier.Classify(e.ExceptionType, e.Message, e.StackTrace);
        }

        return sum;
    }
}
