using HealingGrains.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddHealingGrains();
builder.AddPortal();
builder.UseOrleans(silo => silo.AddHealingGrainsSilo());

var app = builder.Build();
app.MapHealingApi();
app.MapPortal();
app.Run();
