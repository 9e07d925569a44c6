using HealingGrains.Cli.Commands;

return await HgCommand.Create().Parse(args).InvokeAsync();
