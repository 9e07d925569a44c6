namespace HealingGrains.Learning.Corpus;

internal static class CorpusPhrasings
{
    public static readonly IReadOnlyDictionary<string, string[]> Further = new Dictionary<string, string[]>(StringComparer.Ordinal);
}
