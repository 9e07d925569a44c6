using BenchmarkDotNet.Attributes;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Benchmarks;

/// <summary>The error classifier on corpus messages it was trained on; one operation is one classification.</summary>
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
        var corpus = ErrorCorpus.Generate();
        _classifier = ErrorClassifier.Train(corpus);
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
