namespace HealingGrains.Cli.Simulation;

/// <summary>What happened to one incident's first proposal.</summary>
/// <param name="Index">1, 2, … in order.</param>
/// <param name="Fault">The fault's name.</param>
/// <param name="IndexWithinFault">1, 2, … among the fault's incidents.</param>
/// <param name="Kind">The kind proposed.</param>
/// <param name="ChosenProbability">The hidden success probability of the kind proposed, in the incident's context.</param>
/// <param name="BestProbability">The best kind's (the oracle's).</param>
/// <param name="RandomProbability">The mean over kinds (a random choice's).</param>
/// <param name="RuleProbability">The fixed rule's.</param>
/// <param name="Succeeded">Whether the action worked.</param>
/// <param name="AfterRelease">Whether the incident came right after a new release of its deployment.</param>
/// <param name="Automatic">Whether the policy approved the proposal without a human.</param>
internal sealed record IncidentResult(
    int Index, string Fault, int IndexWithinFault, string Kind, double ChosenProbability, double BestProbability, double RandomProbability,
    double RuleProbability, bool Succeeded, bool AfterRelease = false, bool Automatic = false);
