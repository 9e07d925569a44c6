using HealingGrains.Cli.Commands;

return await HgCommand.InvokeAsync(args);
