using HealingGrains.Silo.Hosting;

var builder = WebApplication.CreateBuilder(DemoMode.Strip(args, out var demo));
builder.AddHealingGrains();
builder.AddHealingTelemetry();
builder.AddOperations();
builder.AddPortal();
if (demo)
{
    builder.AddDemo();
}

builder.UseOrleans(silo => silo.AddHealingGrainsSilo());

var app = builder.Build();
app.MapHealingApi();
app.MapOperations();
app.MapPortal();
app.Run();
