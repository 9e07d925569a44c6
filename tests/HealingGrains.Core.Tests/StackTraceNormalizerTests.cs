using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Tests;

public sealed class StackTraceNormalizerTests
{
    private const string DotNetBuild1 = """
           at Shop.Inventory.Client.<ReserveAsync>d__12.MoveNext() in /src/build-41/Shop.Inventory/Client.cs:line 88
        --- End of stack trace from previous location ---
           at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()
           at Shop.Api.OrdersController.<>c__DisplayClass3_0.<Post>b__0(Order o) in /src/build-41/Shop.Api/OrdersController.cs:line 41
           at Shop.Core.Repository`1.Save[TKey](TKey key) in /src/build-41/Shop.Core/Repository.cs:line 17
           at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(IActionResultTypeMapper mapper)
        """;

    private const string DotNetBuild2 = """
           at Shop.Inventory.Client.<ReserveAsync>d__14.MoveNext() in D:\a\1\s\Shop.Inventory\Client.cs:line 97
        --- End of stack trace from previous location ---
           at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()
           at Shop.Api.OrdersController.<>c__DisplayClass5_1.<Post>b__2(Order o) in D:\a\1\s\Shop.Api\OrdersController.cs:line 44
           at Shop.Core.Repository`1.Save[TKey](TKey key) in D:\a\1\s\Shop.Core\Repository.cs:line 19
           at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(IActionResultTypeMapper mapper)
        """;

    private const string Java1 = """
        java.lang.IllegalStateException: Order 812 is closed
        	at com.acme.orders.OrderService.lambda$close$0(OrderService.java:42)
        	at com.acme.orders.OrderService$$Lambda$14/0x0000000800c0b048.accept(Unknown Source)
        	at java.base/java.util.ArrayList.forEach(ArrayList.java:1541)
        	at com.acme.orders.OrderService.close(OrderService.java:40)
        	at com.acme.api.OrderController.close(OrderController.java:77)
        Caused by: java.io.IOException: disk full
        	at com.acme.storage.Journal.append(Journal.java:120)
        	... 12 more
        """;

    private const string Java2 = """
        java.lang.IllegalStateException: Order 9 is closed
        	at com.acme.orders.OrderService.lambda$close$3(OrderService.java:47)
        	at com.acme.orders.OrderService$$Lambda$231/0x0000000800d1c440.accept(Unknown Source)
        	at java.base/java.util.ArrayList.forEach(ArrayList.java:1541)
        	at com.acme.orders.OrderService.close(OrderService.java:45)
        	at com.acme.api.OrderController.close(OrderController.java:79)
        Caused by: java.io.IOException: disk full
        	at com.acme.storage.Journal.append(Journal.java:121)
        	... 14 more
        """;

    private const string Python1 = """
        Traceback (most recent call last):
          File "/srv/app-1.4.2/app/handlers.py", line 57, in handle
            result = process(order)
          File "/srv/app-1.4.2/app/orders.py", line 12, in process
            return charge(order.total)
          File "/usr/lib/python3.11/decimal.py", line 300, in __new__
            raise InvalidOperation
        decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]
        """;

    private const string Python2 = """
        Traceback (most recent call last):
          File "/home/runner/work/app/app/handlers.py", line 61, in handle
            result = process(order)
          File "/home/runner/work/app/app/orders.py", line 14, in process
            return charge(order.total)
          File "/usr/local/lib/python3.12/decimal.py", line 310, in __new__
            raise InvalidOperation
        decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]
        """;

    private const string Node1 = """
        TypeError: Cannot read properties of undefined (reading 'id')
            at getUser (/srv/build-7/src/users.js:10:15)
            at async Router.handle (/srv/build-7/src/router.js:44:3)
            at /srv/build-7/src/server.js:88:7
            at Layer.handle [as handle_request] (/srv/build-7/node_modules/express/lib/router/layer.js:95:5)
            at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
        """;

    private const string Node2 = """
        TypeError: Cannot read properties of undefined (reading 'id')
            at getUser (/app/src/users.js:12:9)
            at async Router.handle (/app/src/router.js:47:3)
            at /app/src/server.js:90:7
            at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
            at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
        """;

    private const string Go1 = """
        panic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a5b3c]

        goroutine 42 [running]:
        github.com/acme/shop/internal/cart.(*Cart).Total(0x0, 0xc000123450)
        	/build/src/internal/cart/cart.go:42 +0x1d
        github.com/acme/shop/internal/api.(*Server).handle.func1(0xc0000a2000)
        	/build/src/internal/api/server.go:88 +0x65
        net/http.HandlerFunc.ServeHTTP(0xc000010000, {0x7f0, 0xc0001c4000}, 0xc000190000)
        	/usr/local/go/src/net/http/server.go:2136 +0x29
        created by net/http.(*Server).Serve in goroutine 1
        	/usr/local/go/src/net/http/server.go:3285 +0x4b4
        """;

    private const string Go2 = """
        panic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4b1f00]

        goroutine 7 [running]:
        github.com/acme/shop/internal/cart.(*Cart).Total(0x0, 0xc0004a1230)
        	/home/ci/shop/internal/cart/cart.go:45 +0x1d
        github.com/acme/shop/internal/api.(*Server).handle.func2(0xc0000b4000)
        	/home/ci/shop/internal/api/server.go:91 +0x65
        net/http.HandlerFunc.ServeHTTP(0xc000012000, {0x7f0, 0xc0001d4000}, 0xc000198000)
        	/usr/local/go/src/net/http/server.go:2136 +0x29
        """;

    [Fact]
    public void NormalisesDotNetFrames()
    {
        var stack = StackTraceNormalizer.Normalize(DotNetBuild1);

        Assert.Equal(StackFormat.DotNet, stack.Format);
        Assert.Equal(
            ["Shop.Inventory.Client.ReserveAsync", "Shop.Api.OrdersController.Post.lambda", "Shop.Core.Repository.Save"],
            stack.InAppFrames);
        Assert.Contains("System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw", stack.Frames);
    }

    [Fact]
    public void NormalisesJavaFrames()
    {
        var stack = StackTraceNormalizer.Normalize(Java1);

        Assert.Equal(StackFormat.Java, stack.Format);
        Assert.Equal("com.acme.orders.OrderService.lambda$close", stack.InAppFrames[0]);
        Assert.Equal("com.acme.orders.OrderService$$Lambda.accept", stack.InAppFrames[1]);
        Assert.DoesNotContain(stack.InAppFrames, f => f.Contains("java.util", StringComparison.Ordinal));
        Assert.Contains("com.acme.storage.Journal.append", stack.Frames);
    }

    [Fact]
    public void NormalisesPythonFramesInnermostFirst()
    {
        var stack = StackTraceNormalizer.Normalize(Python1);

        Assert.Equal(StackFormat.Python, stack.Format);
        Assert.Equal(["orders.py:process", "handlers.py:handle"], stack.InAppFrames);
        Assert.Equal(3, stack.Frames.Count);
    }

    [Fact]
    public void NormalisesNodeFrames()
    {
        var stack = StackTraceNormalizer.Normalize(Node1);

        Assert.Equal(StackFormat.NodeJs, stack.Format);
        Assert.Equal(["getUser@users.js", "Router.handle@router.js", "<anonymous>@server.js"], stack.InAppFrames);
        Assert.Equal(5, stack.Frames.Count);
    }

    [Fact]
    public void NormalisesGoFrames()
    {
        var stack = StackTraceNormalizer.Normalize(Go1);

        Assert.Equal(StackFormat.Go, stack.Format);
        Assert.Equal(
            ["github.com/acme/shop/internal/cart.(*Cart).Total", "github.com/acme/shop/internal/api.(*Server).handle.func"],
            stack.InAppFrames);
        Assert.Contains("net/http.HandlerFunc.ServeHTTP", stack.Frames);
    }

    [Theory]
    [InlineData(DotNetBuild1, DotNetBuild2, "System.InvalidOperationException")]
    [InlineData(Java1, Java2, "java.lang.IllegalStateException")]
    [InlineData(Python1, Python2, "decimal.InvalidOperation")]
    [InlineData(Node1, Node2, "TypeError")]
    [InlineData(Go1, Go2, "panic")]
    public void TheSameErrorFromTwoBuildsHasOneFingerprint(string build1, string build2, string exceptionType) =>
        Assert.Equal(
            ErrorFingerprint.ForStack(exceptionType, StackTraceNormalizer.Normalize(build1)),
            ErrorFingerprint.ForStack(exceptionType, StackTraceNormalizer.Normalize(build2)));

    [Fact]
    public void AnotherTopInAppFrameIsAnotherFingerprint()
    {
        var other = DotNetBuild1.Replace("Client.<ReserveAsync>d__12", "Client.<ReleaseAsync>d__12", StringComparison.Ordinal);

        Assert.NotEqual(
            ErrorFingerprint.ForStack("System.TimeoutException", StackTraceNormalizer.Normalize(DotNetBuild1)),
            ErrorFingerprint.ForStack("System.TimeoutException", StackTraceNormalizer.Normalize(other)));
    }

    [Fact]
    public void AnotherExceptionTypeIsAnotherFingerprint()
    {
        var stack = StackTraceNormalizer.Normalize(DotNetBuild1);

        Assert.NotEqual(ErrorFingerprint.ForStack("System.TimeoutException", stack), ErrorFingerprint.ForStack("System.IO.IOException", stack));
    }

    [Fact]
    public void FingerprintsAreSixteenLowercaseHexDigits() =>
        Assert.Matches("^[0-9a-f]{16}$", ErrorFingerprint.ForStack(null, StackTraceNormalizer.Normalize(Node1)));

    [Fact]
    public void WithoutInAppFramesAllFramesCount()
    {
        var onlyPlatform = StackTraceNormalizer.Normalize("   at System.Net.Sockets.Socket.Connect(EndPoint ep)\n   at System.Net.Http.HttpClient.Send(HttpRequestMessage m)");

        Assert.Empty(onlyPlatform.InAppFrames);
        Assert.Equal(2, onlyPlatform.Frames.Count);
        Assert.Matches("^[0-9a-f]{16}$", ErrorFingerprint.ForStack("System.Net.Sockets.SocketException", onlyPlatform));
    }

    [Theory]
    [InlineData("")]
    [InlineData("just a message, no frames")]
    [InlineData("at the end of the day")]
    public void TextWithoutFramesIsNoStack(string text)
    {
        var stack = StackTraceNormalizer.Normalize(text);

        Assert.Equal(StackFormat.None, stack.Format);
        Assert.Empty(stack.Frames);
    }
}
