using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(HealingGrains.Benchmarks.MinerBenchmarks).Assembly).Run(args);
