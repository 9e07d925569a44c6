using HealingGrains.Cli.Commands;

// `hg load` shares the machine with the host it measures. The thread pool's workers spin (in part in sched_yield) before
// they sleep, which on two cores took CPU from the host: a single-event run used about 160 µs of the generator's CPU per
// request with spinning and about 70 without, and the host then answered 25–45% more requests a second. Set before
// the pool starts its first worker; `hg simulate` hosts a silo in process and keeps the default. For the same reason a
// socket's completion runs the sender's next step on the thread that saw it rather than handing it to the pool: about
// 40 µs of the generator's CPU per single-event request against about 75 (read before the first socket is made).
if (args is ["load", ..])
{
    AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0");
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

return await HgCommand.InvokeAsync(args);
