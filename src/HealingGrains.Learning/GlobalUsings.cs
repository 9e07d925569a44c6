global using HealingGrains.Core.Healing;
