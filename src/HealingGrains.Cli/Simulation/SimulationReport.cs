using System.Globalization;
using System.Text;

namespace HealingGrains.Cli.Simulation;

/// <summary>The learning metrics of a simulation run, and their charts.</summary>
internal sealed class SimulationReport(IReadOnlyList<IncidentResult> results, int roundSize, int warmUpPerFault, int countFrom = 0)
{
    /// <summary>The incidents the automatic-action counts look at: those after the first <c>countFrom</c> (when a model was trained).</summary>
    public IReadOnlyList<IncidentResult> Counted => [.. results.Skip(countFrom)];

    /// <summary>Proposals approved by the policy alone, among <see cref="Counted"/>.</summary>
    public int AutomaticActions => Counted.Count(r => r.Automatic);

    /// <summary>Automatic actions that failed, among <see cref="Counted"/>.</summary>
    public int FailedAutomaticActions => Counted.Count(r => r.Automatic && !r.Succeeded);

    /// <summary>Automatic actions that worked, among <see cref="Counted"/>.</summary>
    public int SucceededAutomaticActions => Counted.Count(r => r.Automatic && r.Succeeded);

    public double LearnedRegret => results.Sum(r => r.BestProbability - r.ChosenProbability);

    public double RandomRegret => results.Sum(r => r.BestProbability - r.RandomProbability);

    public double RuleRegret => results.Sum(r => r.BestProbability - r.RuleProbability);

    /// <summary>Expected first-proposal success after the warm-up, as a share of the oracle's.</summary>
    public double ShareOfOracleAfterWarmUp
    {
        get
        {
            var late = results.Where(r => r.IndexWithinFault > warmUpPerFault).ToList();
            return late.Count == 0 ? double.NaN : late.Sum(r => r.ChosenProbability) / late.Sum(r => r.BestProbability);
        }
    }

    /// <summary>Realised first-proposal success rate after the warm-up.</summary>
    public double RealisedAfterWarmUp
    {
        get
        {
            var late = results.Where(r => r.IndexWithinFault > warmUpPerFault).ToList();
            return late.Count == 0 ? double.NaN : late.Count(r => r.Succeeded) / (double)late.Count;
        }
    }

    public IReadOnlyList<Round> Rounds =>
    [
        .. results.Chunk(roundSize).Select((chunk, i) => new Round(
            i + 1,
            chunk.Count(r => r.Succeeded) / (double)chunk.Length,
            chunk.Average(r => r.ChosenProbability),
            chunk.Average(r => r.BestProbability),
            chunk.Average(r => r.RandomProbability),
            chunk.Average(r => r.RuleProbability))),
    ];

    public void Write(TextWriter output)
    {
        output.WriteLine("first-proposal success rate per round (expected = the hidden probability of the chosen fix)");
        output.WriteLine($"{"round",6}{"realised",10}{"learned",10}{"oracle",9}{"random",9}{"rule",9}");
        foreach (var r in Rounds)
        {
            output.WriteLine(Invariant($"{r.Number,6}{r.Realised,10:P0}{r.Learned,10:P0}{r.Oracle,9:P0}{r.Random,9:P0}{r.Rule,9:P0}"));
        }

        output.WriteLine();
        output.WriteLine(double.IsNaN(ShareOfOracleAfterWarmUp)
            ? $"after {warmUpPerFault} incidents per fault: not reached (no fault had more than {warmUpPerFault} incidents; run more with --incidents)"
            : Invariant($"after {warmUpPerFault} incidents per fault: expected success {ShareOfOracleAfterWarmUp:P1} of the oracle's (realised {RealisedAfterWarmUp:P1})"));
        output.WriteLine(Invariant($"cumulative regret: learned {LearnedRegret:F1}, random {RandomRegret:F1}, fixed rule {RuleRegret:F1}; learned/random = {LearnedRegret / RandomRegret:F3}"));
        output.WriteLine(Invariant(
            $"automatic actions from incident {countFrom + 1} on: {AutomaticActions} ({FailedAutomaticActions} failed, {SucceededAutomaticActions} succeeded); {Counted.Count - AutomaticActions} waited for a human"));
    }

    public string Svg()
    {
        const int width = 900;
        const int height = 360;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height * 2}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        var rounds = Rounds;
        Chart(svg, 0, width, height, "Expected first-proposal success per round", rounds.Count, 1.0,
        [
            ("learned", "#1f77b4", rounds.Select(r => r.Learned).ToList()),
            ("oracle", "#2ca02c", rounds.Select(r => r.Oracle).ToList()),
            ("random", "#d62728", rounds.Select(r => r.Random).ToList()),
            ("fixed rule", "#ff7f0e", rounds.Select(r => r.Rule).ToList()),
        ]);
        var learned = Cumulative(results.Select(r => r.BestProbability - r.ChosenProbability));
        var random = Cumulative(results.Select(r => r.BestProbability - r.RandomProbability));
        var rule = Cumulative(results.Select(r => r.BestProbability - r.RuleProbability));
        Chart(svg, height, width, height, "Cumulative regret against the oracle", results.Count, Math.Max(1, Math.Max(random[^1], rule[^1])),
        [
            ("learned", "#1f77b4", learned),
            ("random", "#d62728", random),
            ("fixed rule", "#ff7f0e", rule),
        ]);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Chart(StringBuilder svg, int top, int width, int height, string title, int points, double max, IReadOnlyList<(string Name, string Color, List<double> Values)> series)
    {
        const int left = 60;
        const int right = 150;
        const int margin = 40;
        var plotWidth = width - left - right;
        var plotHeight = height - (2 * margin);
        svg.Append(Invariant($"<text x=\"{left}\" y=\"{top + 24}\" font-size=\"15\">{title}</text>"));
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{top + margin + plotHeight}\" x2=\"{left + plotWidth}\" y2=\"{top + margin + plotHeight}\" stroke=\"#333\"/>"));
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{top + margin}\" x2=\"{left}\" y2=\"{top + margin + plotHeight}\" stroke=\"#333\"/>"));
        svg.Append(Invariant($"<text x=\"{left - 8}\" y=\"{top + margin + 4}\" text-anchor=\"end\">{max:0.##}</text>"));
        svg.Append(Invariant($"<text x=\"{left - 8}\" y=\"{top + margin + plotHeight}\" text-anchor=\"end\">0</text>"));
        svg.Append(Invariant($"<text x=\"{left + plotWidth}\" y=\"{top + margin + plotHeight + 16}\" text-anchor=\"end\">{points}</text>"));
        for (var s = 0; s < series.Count; s++)
        {
            var (name, color, values) = series[s];
            var path = string.Join(" ", values.Select((v, i) => Invariant(
                $"{left + (plotWidth * (values.Count == 1 ? 0 : i / (double)(values.Count - 1))):F1},{top + margin + plotHeight - (plotHeight * Math.Clamp(v / max, 0, 1)):F1}")));
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{path}\"/>"));
            svg.Append(Invariant($"<rect x=\"{left + plotWidth + 16}\" y=\"{top + margin + (s * 20)}\" width=\"12\" height=\"12\" fill=\"{color}\"/>"));
            svg.Append(Invariant($"<text x=\"{left + plotWidth + 34}\" y=\"{top + margin + (s * 20) + 11}\">{name}</text>"));
        }
    }

    private static List<double> Cumulative(IEnumerable<double> values)
    {
        var sum = 0.0;
        return [.. values.Select(v => sum += v)];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public sealed record Round(int Number, double Realised, double Learned, double Oracle, double Random, double Rule);
}
