using System.Globalization;

namespace HealingGrains.Cli.Simulation;

/// <summary>What <c>hg simulate --federation</c> measured: a newcomer's first proposal per fault, with and without federation, against the oracle.</summary>
internal sealed class FederationReport(FederationSimulationResult result, int roundSize)
{
    /// <summary>The sharing tenants' learning, as any simulation reports it.</summary>
    public SimulationReport Learning { get; } = new(result.Learning, roundSize, warmUpPerFault: 20);

    /// <summary>Expected success (the hidden probability of the kind proposed) of the consuming newcomers' first incidents.</summary>
    public double WithFederation => result.WithFederation.Average(r => r.ChosenProbability);

    /// <summary>The same for the newcomers without federation.</summary>
    public double WithoutFederation => result.WithoutFederation.Average(r => r.ChosenProbability);

    /// <summary>The oracle's (the best kind's) on the same incidents.</summary>
    public double Oracle => result.WithFederation.Average(r => r.BestProbability);

    /// <summary>A random choice's.</summary>
    public double Random => result.WithFederation.Average(r => r.RandomProbability);

    /// <summary>First incidents per newcomer and fault, in each arm.</summary>
    public int FirstIncidents => result.WithFederation.Count;

    /// <summary>Share of first proposals that chose the fault's best kind, with and without federation.</summary>
    public double BestChosenWithFederation => result.WithFederation.Count(r => r.ChosenProbability == r.BestProbability) / (double)FirstIncidents;

    public double BestChosenWithoutFederation => result.WithoutFederation.Count(r => r.ChosenProbability == r.BestProbability) / (double)FirstIncidents;

    public void Write(TextWriter output)
    {
        output.WriteLine("sharing tenants (federation: both):");
        Learning.Write(output);
        output.WriteLine();
        output.WriteLine(Invariant($"newcomers' first incident per fault ({FirstIncidents} per arm):"));
        output.WriteLine($"{"",-24}{"expected",10}{"of oracle",11}{"best fix",10}{"realised",10}");
        Row(output, "with federation", WithFederation, BestChosenWithFederation, result.WithFederation);
        Row(output, "without (policy none)", WithoutFederation, BestChosenWithoutFederation, result.WithoutFederation);
        output.WriteLine(Invariant($"{"oracle",-24}{Oracle,10:P1}{1,11:P0}"));
        output.WriteLine(Invariant($"{"random",-24}{Random,10:P1}{Random / Oracle,11:P0}"));
        output.WriteLine();
        output.WriteLine(Invariant(
            $"a new tenant's first incident per fault: {WithFederation:P1} expected success with federation, {WithFederation / Oracle:P1} of the oracle's {Oracle:P1}; {WithoutFederation:P1} without federation ({WithoutFederation / Oracle:P1} of the oracle's)"));
    }

    private void Row(TextWriter output, string name, double expected, double best, IReadOnlyList<IncidentResult> incidents) =>
        output.WriteLine(Invariant(
            $"{name,-24}{expected,10:P1}{expected / Oracle,11:P0}{best,10:P0}{incidents.Count(r => r.Succeeded) / (double)incidents.Count,10:P0}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
