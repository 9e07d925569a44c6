using BenchmarkDotNet.Attributes;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Benchmarks;

/// <summary>The error classifier on corpus messages with new values (a fifth of them phrasings it never saw); one operation is one classification: masking, features, scores.</summary>
[MemoryDiagnoser]
[Config(typeof(LinesPerSecondConfig))]
public class ClassifierBenchmarks
{
    private const int Messages = 1_000;

    private CorpusEntry[] _entries = [];
    private ErrorClassifier _classifier = null!;
    private RiskAssessor _risk = null!;
    private ActionFeatures[] _contexts = [];

    [GlobalSetup]
    public void Setup()
    {
        _classifier = ErrorClassifier.Train(ErrorCorpus.Split().Train);
        var random = new Random(3);
        string[] kinds = ["restart", "scale-out", "rollback-version", "failover"];
        _contexts = [.. Enumerable.Range(0, Messages).Select(i => new ActionFeatures
        {
            Kind = kinds[i % kinds.Length],
            Category = ((HealingGrains.Core.Healing.ErrorCategory)(i % 11)).ToString(),
            DeploymentAgeMinutes = random.Next(0, 20_000),
            VersionsLast24Hours = random.Next(0, 5),
            MinutesSinceLastAction = random.Next(0, 3_000),
            Production = i % 2 == 0,
        })];
        _risk = RiskAssessor.Train(_contexts.Select((c, i) => new OutcomeExample($"b{i}", c, random.NextDouble() < 0.6, random.NextDouble() < 0.3)));
        _entries = [.. ErrorCorpus.Generate(seed: 99).Where((_, i) => i % 3 == 0).Take(Messages)];
    }

    /// <summary>1,000 errors classified one by one, as the classifier grain does (the category alone).</summary>
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

    /// <summary>The same 1,000 errors with the category's probability, for which the prototypes are always scored.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public double Predict()
    {
        var sum = 0.0;
        foreach (var e in _entries)
        {
            sum += _classifier.Predict(e.ExceptionType, e.Message, e.StackTrace).Probability;
        }

        return sum;
    }

    /// <summary>1,000 risk assessments (the gate's risk for one proposal each).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public double AssessRisk()
    {
        var sum = 0.0;
        foreach (var c in _contexts)
        {
            sum += _risk.Predict(c);
        }

        return sum;
    }
}
