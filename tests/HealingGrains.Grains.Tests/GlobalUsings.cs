global using Orleans;
global using Orleans.Core.Internal;
