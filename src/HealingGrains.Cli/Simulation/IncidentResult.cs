namespace HealingGrains.Cli.Simulation;

/// <summary>What happened to one incident's first proposal.</summary>
internal sealed record IncidentResult(int Index, string Fault, int IndexWithinFault, string Kind, double ChosenProbability, double BestProbability, double RandomProbability, double RuleProbability, bool Succeeded);
