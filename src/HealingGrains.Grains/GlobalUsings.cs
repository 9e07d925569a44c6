global using HealingGrains.Abstractions;
global using HealingGrains.Abstractions.Contracts;
global using HealingGrains.Abstractions.Grains;
global using HealingGrains.Abstractions.Keys;
global using HealingGrains.Abstractions.State;
