namespace HealingGrains.Core.Fingerprinting;

/// <summary>The runtime whose stack-trace format was recognised.</summary>
public enum StackFormat
{
    /// <summary>No frame was recognised.</summary>
    None,

    /// <summary>.NET: <c>at Ns.Type.Method(args) in /path/File.cs:line 88</c>.</summary>
    DotNet,

    /// <summary>Java and other JVM languages: <c>at com.acme.Foo.bar(Foo.java:42)</c>.</summary>
    Java,

    /// <summary>Python: <c>File "/app/x.py", line 12, in func</c>.</summary>
    Python,

    /// <summary>Node.js: <c>at handler (/app/src/h.js:10:5)</c>.</summary>
    NodeJs,

    /// <summary>Go: <c>main.(*Server).handle(0xc000…)</c> followed by <c>/app/server.go:42 +0x1d</c>.</summary>
    Go,
}
