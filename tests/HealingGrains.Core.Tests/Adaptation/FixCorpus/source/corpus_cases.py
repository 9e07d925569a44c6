"""Source of the fix corpus: marked before/after C# files and the exact expected detection.

Marker convention (column 0): '-' line only in BEFORE, '+' line only in AFTER, other lines in both.
"""


def P(kind, detail=None):
    entry = {"kind": kind}
    if detail is not None:
        entry["detail"] = detail
    return entry


CASES = []


def case(file, description, files, patterns=(), flags=()):
    CASES.append({
        "file": file,
        "description": description,
        "files": files,
        "patterns": list(patterns),
        "flags": list(flags),
    })


# ---------------------------------------------------------------------------------------------
case(
    "01-npgsql-transient-retry.diff",
    "Order saves failed with transient NpgsqlException during a PostgreSQL failover; wrap the save in a 3-attempt retry loop with a fixed 250 ms pause.",
    [("src/Larkspur.Shop.Orders/Persistence/OrderRepository.cs", r'''
using System.Data;
using Larkspur.Shop.Orders.Domain;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Larkspur.Shop.Orders.Persistence;

public sealed class OrderRepository : IOrderRepository
{
+    private const int MaxAttempts = 3;
+    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
+
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<OrderRepository> _logger;

    public OrderRepository(NpgsqlDataSource dataSource, ILogger<OrderRepository> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public async Task SaveAsync(Order order, CancellationToken cancellationToken)
    {
-        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
-        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
-        await InsertOrderAsync(connection, transaction, order, cancellationToken);
-        await InsertOrderLinesAsync(connection, transaction, order, cancellationToken);
-        await transaction.CommitAsync(cancellationToken);
-        _logger.LogInformation("Order {OrderId} saved with {LineCount} lines", order.Id, order.Lines.Count);
+        for (var attempt = 1; ; attempt++)
+        {
+            try
+            {
+                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
+                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
+                await InsertOrderAsync(connection, transaction, order, cancellationToken);
+                await InsertOrderLinesAsync(connection, transaction, order, cancellationToken);
+                await transaction.CommitAsync(cancellationToken);
+                _logger.LogInformation("Order {OrderId} saved with {LineCount} lines", order.Id, order.Lines.Count);
+                return;
+            }
+            catch (NpgsqlException ex) when (ex.IsTransient && attempt < MaxAttempts)
+            {
+                _logger.LogWarning(ex, "Transient PostgreSQL error saving order {OrderId} (attempt {Attempt} of {MaxAttempts})", order.Id, attempt, MaxAttempts);
+                await Task.Delay(RetryDelay, cancellationToken);
+            }
+        }
    }

    private static async Task InsertOrderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Order order, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO orders (id, customer_id, total, currency, created_at) VALUES ($1, $2, $3, $4, $5)",
            connection,
            transaction);
        command.Parameters.AddWithValue(order.Id);
        command.Parameters.AddWithValue(order.CustomerId);
        command.Parameters.AddWithValue(order.Total);
        command.Parameters.AddWithValue(order.Currency);
        command.Parameters.AddWithValue(order.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertOrderLinesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Order order, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var line in order.Lines)
        {
            var batchCommand = new NpgsqlBatchCommand("INSERT INTO order_lines (order_id, sku, quantity, unit_price) VALUES ($1, $2, $3, $4)");
            batchCommand.Parameters.AddWithValue(order.Id);
            batchCommand.Parameters.AddWithValue(line.Sku);
            batchCommand.Parameters.AddWithValue(line.Quantity);
            batchCommand.Parameters.AddWithValue(line.UnitPrice);
            batch.BatchCommands.Add(batchCommand);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
''')],
    [P("CatchAdded", "NpgsqlException"), P("Retry")],
)

# ---------------------------------------------------------------------------------------------
case(
    "02-payment-gateway-http-errors.diff",
    "Unhandled HttpRequestException/TaskCanceledException from the payment gateway surfaced as HTTP 500 at checkout; translate both into PaymentGatewayUnavailableException.",
    [("src/Larkspur.Shop.Payments/Gateway/PaymentGatewayClient.cs", r'''
using System.Net.Http.Json;
using Larkspur.Shop.Payments.Contracts;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Payments.Gateway;

public sealed class PaymentGatewayClient : IPaymentGatewayClient
{
    private readonly HttpClient _httpClient;
    private readonly ILogger<PaymentGatewayClient> _logger;

    public PaymentGatewayClient(HttpClient httpClient, ILogger<PaymentGatewayClient> logger)
    {
        _httpClient = httpClient;
        _logger = logger;
    }

    public async Task<PaymentAuthorization> AuthorizeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
-        using var response = await _httpClient.PostAsJsonAsync("v2/authorizations", request, cancellationToken);
-        response.EnsureSuccessStatusCode();
-        var body = await response.Content.ReadFromJsonAsync<AuthorizationResponse>(cancellationToken);
-        return PaymentAuthorization.From(body!);
+        try
+        {
+            using var response = await _httpClient.PostAsJsonAsync("v2/authorizations", request, cancellationToken);
+            response.EnsureSuccessStatusCode();
+            var body = await response.Content.ReadFromJsonAsync<AuthorizationResponse>(cancellationToken);
+            return PaymentAuthorization.From(body!);
+        }
+        catch (HttpRequestException ex)
+        {
+            _logger.LogError(ex, "Payment gateway returned {StatusCode} for order {OrderId}", ex.StatusCode, request.OrderId);
+            throw new PaymentGatewayUnavailableException(request.OrderId, ex);
+        }
+        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
+        {
+            _logger.LogError(ex, "Payment gateway did not answer in time for order {OrderId}", request.OrderId);
+            throw new PaymentGatewayUnavailableException(request.OrderId, ex);
+        }
    }

    public async Task CaptureAsync(string authorizationId, decimal amount, CancellationToken cancellationToken)
    {
        using var response = await _httpClient.PostAsJsonAsync($"v2/authorizations/{authorizationId}/capture", new { amount }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
''')],
    [P("CatchAdded", "HttpRequestException"), P("CatchAdded", "TaskCanceledException")],
)

# ---------------------------------------------------------------------------------------------
case(
    "03-inventory-client-polly-wait-and-retry.diff",
    "Inventory API answered 503 during its rolling deployments and broke product pages; add a Polly v7 WaitAndRetryAsync policy with exponential backoff.",
    [("src/Larkspur.Shop.Api/Program.cs", r'''
using Larkspur.Shop.Api.Clients;
using Larkspur.Shop.Api.Endpoints;
+using Polly;
+using Polly.Extensions.Http;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddProblemDetails();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen();
+
+// Inventory returns 503 while its pods roll; retry after 2s, 4s and 8s.
+var inventoryRetryPolicy = HttpPolicyExtensions
+    .HandleTransientHttpError()
+    .WaitAndRetryAsync(3, attempt => TimeSpan.FromSeconds(Math.Pow(2, attempt)));

builder.Services.AddHttpClient<IInventoryClient, InventoryClient>(client =>
{
    client.BaseAddress = new Uri(builder.Configuration["Services:Inventory:BaseUrl"]!);
-});
+})
+.AddPolicyHandler(inventoryRetryPolicy);

builder.Services.AddHttpClient<IRecommendationsClient, RecommendationsClient>(client => client.BaseAddress = new Uri(builder.Configuration["Services:Recommendations:BaseUrl"]!));

var app = builder.Build();

app.UseExceptionHandler();
app.MapCatalogEndpoints();
app.MapCartEndpoints();

app.Run();
''')],
    [P("Retry"), P("Backoff")],
)

# ---------------------------------------------------------------------------------------------
case(
    "04-tax-client-circuit-breaker.diff",
    "A tax-service outage made every checkout sit through three retries; add a Polly v7 circuit breaker next to the existing retry policy so calls fail fast.",
    [("src/Larkspur.Shop.Checkout/HttpClientRegistration.cs", r'''
using Larkspur.Shop.Checkout.Clients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Extensions.Http;

namespace Larkspur.Shop.Checkout;

public static class HttpClientRegistration
{
    public static IServiceCollection AddCheckoutHttpClients(this IServiceCollection services, IConfiguration configuration)
    {
        var retryPolicy = HttpPolicyExtensions.HandleTransientHttpError()
            .WaitAndRetryAsync(3, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)));
+        var circuitBreakerPolicy = HttpPolicyExtensions.HandleTransientHttpError()
+            .CircuitBreakerAsync(handledEventsAllowedBeforeBreaking: 5, durationOfBreak: TimeSpan.FromSeconds(30));

        services.AddHttpClient<ITaxServiceClient, TaxServiceClient>(client =>
            client.BaseAddress = new Uri(configuration["Services:Tax:BaseUrl"]!))
-            .AddPolicyHandler(retryPolicy);
+            .AddPolicyHandler(retryPolicy)
+            .AddPolicyHandler(circuitBreakerPolicy);

        services.AddHttpClient<IFraudCheckClient, FraudCheckClient>(client =>
            client.BaseAddress = new Uri(configuration["Services:FraudCheck:BaseUrl"]!))
-            .AddPolicyHandler(retryPolicy);
+            .AddPolicyHandler(retryPolicy)
+            .AddPolicyHandler(circuitBreakerPolicy);

        return services;
    }
}
''')],
    [P("CircuitBreaker")],
)

# ---------------------------------------------------------------------------------------------
case(
    "05-basket-redis-resilience-pipeline.diff",
    "RedisConnectionException bursts during Azure Cache for Redis patching emptied customer baskets; route basket reads/writes through a Polly v8 pipeline with exponential retry and a circuit breaker.",
    [("src/Larkspur.Shop.Basket/Infrastructure/ServiceCollectionExtensions.cs", r'''
using Larkspur.Shop.Basket.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
+using Polly;
+using Polly.CircuitBreaker;
+using Polly.Retry;
using StackExchange.Redis;

namespace Larkspur.Shop.Basket.Infrastructure;

public static class ServiceCollectionExtensions
{
+    public const string RedisPipelineName = "basket-redis";
+
    public static IServiceCollection AddBasketInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IConnectionMultiplexer>(_ =>
            ConnectionMultiplexer.Connect(configuration.GetConnectionString("Redis")!));
+
+        services.AddResiliencePipeline(RedisPipelineName, pipeline =>
+        {
+            pipeline.AddRetry(new RetryStrategyOptions
+            {
+                ShouldHandle = new PredicateBuilder().Handle<RedisConnectionException>(),
+                MaxRetryAttempts = 4,
+                Delay = TimeSpan.FromMilliseconds(100),
+                BackoffType = DelayBackoffType.Exponential,
+                UseJitter = true
+            });
+            pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions
+            {
+                ShouldHandle = new PredicateBuilder().Handle<RedisConnectionException>(),
+                FailureRatio = 0.5,
+                MinimumThroughput = 20,
+                SamplingDuration = TimeSpan.FromSeconds(30),
+                BreakDuration = TimeSpan.FromSeconds(15)
+            });
+        });

        services.AddScoped<IBasketStore, RedisBasketStore>();
        return services;
    }
}
'''),
     ("src/Larkspur.Shop.Basket/Infrastructure/RedisBasketStore.cs", r'''
using System.Text.Json;
using Larkspur.Shop.Basket.Domain;
+using Polly;
+using Polly.Registry;
using StackExchange.Redis;

namespace Larkspur.Shop.Basket.Infrastructure;

public sealed class RedisBasketStore : IBasketStore
{
    private static readonly TimeSpan BasketTtl = TimeSpan.FromDays(7);

    private readonly IDatabase _database;
+    private readonly ResiliencePipeline _pipeline;

-    public RedisBasketStore(IConnectionMultiplexer multiplexer)
+    public RedisBasketStore(IConnectionMultiplexer multiplexer, ResiliencePipelineProvider<string> pipelines)
    {
        _database = multiplexer.GetDatabase();
+        _pipeline = pipelines.GetPipeline(ServiceCollectionExtensions.RedisPipelineName);
    }

    public async Task<CustomerBasket?> GetAsync(string customerId, CancellationToken cancellationToken)
    {
-        var value = await _database.StringGetAsync(Key(customerId));
+        var value = await _pipeline.ExecuteAsync(
+            async _ => await _database.StringGetAsync(Key(customerId)),
+            cancellationToken);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<CustomerBasket>(value.ToString());
    }

    public async Task SaveAsync(CustomerBasket basket, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(basket);
-        await _database.StringSetAsync(Key(basket.CustomerId), payload, BasketTtl);
+        await _pipeline.ExecuteAsync(
+            async _ => await _database.StringSetAsync(Key(basket.CustomerId), payload, BasketTtl),
+            cancellationToken);
    }

    private static string Key(string customerId) => $"basket:{customerId}";
}
''')],
    [P("Retry"), P("Backoff"), P("CircuitBreaker")],
)

# ---------------------------------------------------------------------------------------------
case(
    "06-efcore-npgsql-command-timeout.diff",
    "The month-end settlement report failed with 'Timeout during reading attempt' after 30 s; raise the EF Core Npgsql CommandTimeout to 120 s.",
    [("src/Larkspur.Shop.Orders/DependencyInjection.cs", r'''
using Larkspur.Shop.Orders.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Larkspur.Shop.Orders;

public static class DependencyInjection
{
    public static IServiceCollection AddOrdersPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDbContext<OrdersDbContext>(options => options
            .UseNpgsql(configuration.GetConnectionString("Orders"), ConfigureNpgsql)
            .UseSnakeCaseNamingConvention());

        services.AddScoped<IOrderRepository, OrderRepository>();
        services.AddScoped<ISettlementReportQuery, SettlementReportQuery>();
        return services;
    }

    private static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
-        npgsql.CommandTimeout(30);
+        // Month-end settlement query needs ~70 s on the reporting replica.
+        npgsql.CommandTimeout(120);
        npgsql.EnableRetryOnFailure(maxRetryCount: 3);
        npgsql.MigrationsHistoryTable("__ef_migrations_history", "orders");
    }
}
''')],
    [P("TimeoutChanged", "CommandTimeout")],
)

# ---------------------------------------------------------------------------------------------
case(
    "07-orders-connection-string-timeout-pool.diff",
    "Black Friday traffic hit 'The connection pool has been exhausted' and connect timeouts; raise Timeout and Maximum Pool Size in the default Orders connection string.",
    [("src/Larkspur.Shop.Orders/Configuration/DatabaseDefaults.cs", r'''
namespace Larkspur.Shop.Orders.Configuration;

/// <summary>
/// Fallback values used when no "Orders" connection string is supplied (local development, integration tests, Helm defaults).
/// </summary>
public static class DatabaseDefaults
{
    public const int CommandTimeoutSeconds = 30;

+    // Sized for 600 req/s per pod: the previous 20 connections were exhausted within seconds on Black Friday.
    public const string OrdersConnectionString =
-        "Host=orders-db;Port=5432;Database=orders;Username=orders_app;Timeout=15;Maximum Pool Size=20;Include Error Detail=false";
+        "Host=orders-db;Port=5432;Database=orders;Username=orders_app;Timeout=30;Maximum Pool Size=100;Include Error Detail=false";

    public const string ReportingConnectionString =
        "Host=orders-db-replica;Port=5432;Database=orders;Username=orders_reporting;Timeout=15;Maximum Pool Size=10;Include Error Detail=false";
}
''')],
    [P("TimeoutChanged", "Timeout"), P("PoolSize", "Maximum Pool Size")],
)

# ---------------------------------------------------------------------------------------------
case(
    "08-redis-sync-timeout.diff",
    "RedisTimeoutException 'Timeout performing GET (1000ms)' on large baskets; raise the StackExchange.Redis SyncTimeout to 5000 ms.",
    [("src/Larkspur.Shop.Basket/Infrastructure/RedisConnectionFactory.cs", r'''
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Larkspur.Shop.Basket.Infrastructure;

public sealed class RedisConnectionFactory
{
    private readonly RedisSettings _settings;

    public RedisConnectionFactory(IOptions<RedisSettings> settings)
    {
        _settings = settings.Value;
    }

    public ConfigurationOptions CreateOptions()
    {
        var options = ConfigurationOptions.Parse(_settings.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 3;
-        options.SyncTimeout = 1000;
+        // Baskets of B2B customers reach ~400 KB; synchronous GETs regularly took more than one second.
+        options.SyncTimeout = 5000;
        options.AsyncTimeout = 5000;
        options.KeepAlive = 60;
        options.ClientName = "basket-api";
        return options;
    }
}
''')],
    [P("TimeoutChanged", "SyncTimeout")],
)

# ---------------------------------------------------------------------------------------------
case(
    "09-shipping-cost-null-address.diff",
    "NullReferenceException in ShippingCostCalculator for gift-card-only orders without a shipping address; add null guards.",
    [("src/Larkspur.Shop.Checkout/Shipping/ShippingCostCalculator.cs", r'''
using Larkspur.Shop.Checkout.Domain;

namespace Larkspur.Shop.Checkout.Shipping;

public sealed class ShippingCostCalculator
{
    private readonly IShippingZoneResolver _zoneResolver;
    private readonly IRateTable _rates;

    public ShippingCostCalculator(IShippingZoneResolver zoneResolver, IRateTable rates)
    {
        _zoneResolver = zoneResolver;
        _rates = rates;
    }

    public Money Calculate(Order order)
    {
+        ArgumentNullException.ThrowIfNull(order);
+
+        // Digital-only orders (gift cards) arrive without a shipping address.
+        if (order.ShippingAddress is null)
+        {
+            return Money.Zero(order.Currency);
+        }
+
        var zone = _zoneResolver.Resolve(order.ShippingAddress.CountryCode);
        var weight = order.Lines.Sum(line => line.WeightGrams * line.Quantity);
        return _rates.PriceFor(zone, weight, order.Currency);
    }
}
''')],
    [P("NullGuard")],
)

# ---------------------------------------------------------------------------------------------
case(
    "10-checkout-analytics-catch-all.diff",
    "A purchase-analytics outage turned paid checkouts into HTTP 500; wrap the tracking call in a catch-all that swallows the error.",
    [("src/Larkspur.Shop.Checkout/CheckoutService.cs", r'''
using Larkspur.Shop.Checkout.Analytics;
using Larkspur.Shop.Checkout.Domain;
using Larkspur.Shop.Orders.Client;

namespace Larkspur.Shop.Checkout;

public sealed class CheckoutService
{
    private readonly IOrdersClient _orders;
    private readonly IPurchaseAnalytics _analytics;

    public CheckoutService(IOrdersClient orders, IPurchaseAnalytics analytics)
    {
        _orders = orders;
        _analytics = analytics;
    }

    public async Task<CheckoutResult> CompleteAsync(Cart cart, PaymentAuthorization payment, CancellationToken cancellationToken)
    {
        var order = await _orders.PlaceOrderAsync(cart, payment, cancellationToken);
-        await _analytics.TrackPurchaseAsync(order.Id, order.Total, cancellationToken);
+
+        try
+        {
+            await _analytics.TrackPurchaseAsync(order.Id, order.Total, cancellationToken);
+        }
+        catch (Exception)
+        {
+            // Analytics is best effort: a tracking outage must never turn a paid order into a 500.
+        }
+
        return CheckoutResult.Success(order.Id, order.Total);
    }
}
''')],
    [P("CatchAdded", "Exception")],
)

# ---------------------------------------------------------------------------------------------
case(
    "11-category-tree-memory-cache.diff",
    "Every page view rebuilt the category tree from PostgreSQL and the catalog database hit 100% CPU; cache the tree in IMemoryCache for 10 minutes.",
    [("src/Larkspur.Shop.Catalog/Services/CategoryService.cs", r'''
using Larkspur.Shop.Catalog.Data;
using Larkspur.Shop.Catalog.Models;
using Microsoft.EntityFrameworkCore;
+using Microsoft.Extensions.Caching.Memory;

namespace Larkspur.Shop.Catalog.Services;

public sealed class CategoryService : ICategoryService
{
+    private const string CategoryTreeCacheKey = "catalog:category-tree";
+
    private readonly CatalogDbContext _db;
+    private readonly IMemoryCache _cache;

-    public CategoryService(CatalogDbContext db)
+    public CategoryService(CatalogDbContext db, IMemoryCache cache)
    {
        _db = db;
+        _cache = cache;
    }

    public async Task<IReadOnlyList<CategoryNode>> GetTreeAsync(CancellationToken cancellationToken)
    {
-        var categories = await _db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync(cancellationToken);
-        return CategoryTreeBuilder.Build(categories);
+        var tree = await _cache.GetOrCreateAsync(CategoryTreeCacheKey, async entry =>
+        {
+            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10);
+            var categories = await _db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync(cancellationToken);
+            return CategoryTreeBuilder.Build(categories);
+        });
+        return tree!;
    }
}
'''),
     ("src/Larkspur.Shop.Catalog/Program.cs", r'''
using Larkspur.Shop.Catalog.Data;
using Larkspur.Shop.Catalog.Endpoints;
using Larkspur.Shop.Catalog.Services;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDbContext<CatalogDbContext>(options =>
    options.UseNpgsql(builder.Configuration.GetConnectionString("Catalog")));
+builder.Services.AddMemoryCache();
builder.Services.AddScoped<ICategoryService, CategoryService>();
builder.Services.AddScoped<IProductDetailsService, ProductDetailsService>();

var app = builder.Build();

app.MapCategoryEndpoints();
app.MapProductEndpoints();

app.Run();
''')],
    [P("Caching")],
)

# ---------------------------------------------------------------------------------------------
case(
    "12-product-price-distributed-cache.diff",
    "The external pricing API rate-limited us (HTTP 429) during a campaign; cache prices in Redis through IDistributedCache and serve the cached value when present.",
    [("src/Larkspur.Shop.Pricing/Services/PriceLookupService.cs", r'''
using System.Text.Json;
using Larkspur.Shop.Pricing.Clients;
using Larkspur.Shop.Pricing.Domain;
+using Microsoft.Extensions.Caching.Distributed;

namespace Larkspur.Shop.Pricing.Services;

public sealed class PriceLookupService : IPriceLookupService
{
+    private static readonly DistributedCacheEntryOptions PriceCacheOptions = new()
+    {
+        AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5)
+    };
+
    private readonly IPricingApiClient _pricingApi;
+    private readonly IDistributedCache _cache;

-    public PriceLookupService(IPricingApiClient pricingApi)
+    public PriceLookupService(IPricingApiClient pricingApi, IDistributedCache cache)
    {
        _pricingApi = pricingApi;
+        _cache = cache;
    }

    public async Task<ProductPrice> GetPriceAsync(string sku, CancellationToken cancellationToken)
    {
-        return await _pricingApi.GetPriceAsync(sku, cancellationToken);
+        var cacheKey = $"price:v1:{sku}";
+        var cached = await _cache.GetStringAsync(cacheKey, cancellationToken);
+        if (cached is not null)
+        {
+            return JsonSerializer.Deserialize<ProductPrice>(cached)!;
+        }
+
+        var price = await _pricingApi.GetPriceAsync(sku, cancellationToken);
+        await _cache.SetStringAsync(cacheKey, JsonSerializer.Serialize(price), PriceCacheOptions, cancellationToken);
+        return price;
    }
}
''')],
    [P("Caching"), P("NullGuard")],
)

# ---------------------------------------------------------------------------------------------
case(
    "13-storefront-home-output-cache.diff",
    "The storefront home page queried featured products on every request and saturated the catalog database after a TV spot; enable ASP.NET Core output caching for it.",
    [("src/Larkspur.Shop.Storefront/Program.cs", r'''
using Larkspur.Shop.Storefront.Services;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddControllersWithViews();
builder.Services.AddScoped<IFeaturedProductsService, FeaturedProductsService>();
+builder.Services.AddOutputCache();

var app = builder.Build();

app.UseStaticFiles();
app.UseRouting();
+app.UseOutputCache();
app.UseAuthorization();

app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}");

app.Run();
'''),
     ("src/Larkspur.Shop.Storefront/Controllers/HomeController.cs", r'''
using Larkspur.Shop.Storefront.Models;
using Larkspur.Shop.Storefront.Services;
using Microsoft.AspNetCore.Mvc;
+using Microsoft.AspNetCore.OutputCaching;

namespace Larkspur.Shop.Storefront.Controllers;

public sealed class HomeController : Controller
{
    private readonly IFeaturedProductsService _featured;

    public HomeController(IFeaturedProductsService featured)
    {
        _featured = featured;
    }

+    [OutputCache(Duration = 60)]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(new HomeViewModel(await _featured.GetFeaturedAsync(cancellationToken)));

    public IActionResult Privacy() => View();
}
''')],
    [P("Caching")],
)

# ---------------------------------------------------------------------------------------------
case(
    "14-carrier-handler-connections-and-connect-timeout.diff",
    "Label-printing bursts queued behind 10 carrier connections and new connections hung on a dead carrier node; raise MaxConnectionsPerServer and set a 5 s ConnectTimeout.",
    [("src/Larkspur.Shop.Shipping/DependencyInjection.cs", r'''
using System.Net;
using Larkspur.Shop.Shipping.Carriers;
using Microsoft.Extensions.DependencyInjection;

namespace Larkspur.Shop.Shipping;

public static class DependencyInjection
{
    public static IServiceCollection AddCarrierClients(this IServiceCollection services)
    {
        services.AddHttpClient<ICarrierClient, CarrierClient>()
            .ConfigurePrimaryHttpMessageHandler(CreateCarrierHandler);

        return services;
    }

    private static SocketsHttpHandler CreateCarrierHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
-        MaxConnectionsPerServer = 10,
+        MaxConnectionsPerServer = 50,
+        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli
    };
}
''')],
    [P("PoolSize", "MaxConnectionsPerServer"), P("TimeoutChanged", "ConnectTimeout")],
)

# ---------------------------------------------------------------------------------------------
case(
    "15-basket-threadpool-min-threads.diff",
    "StackExchange.Redis timeouts during traffic bursts were caused by thread-pool starvation; raise the thread-pool minimum at startup.",
    [("src/Larkspur.Shop.Basket/Program.cs", r'''
using Larkspur.Shop.Basket.Endpoints;
using Larkspur.Shop.Basket.Infrastructure;

+// Redis timeout messages showed WORKER: (Busy=212, Min=8): the pool injected threads one by one under load.
+ThreadPool.GetMinThreads(out var minWorkerThreads, out var minCompletionPortThreads);
+ThreadPool.SetMinThreads(Math.Max(minWorkerThreads, 200), Math.Max(minCompletionPortThreads, 200));
+
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddBasketInfrastructure(builder.Configuration);
builder.Services.AddHealthChecks()
    .AddCheck<RedisTcpHealthCheck>("redis", tags: new[] { "ready" });

var app = builder.Build();

app.MapBasketEndpoints();
app.MapHealthChecks("/health/ready");

app.Run();
''')],
    [P("PoolSize", "SetMinThreads")],
)

# ---------------------------------------------------------------------------------------------
case(
    "16-shipping-quote-cancel-after.diff",
    "A slow carrier quote API held checkout requests for up to 100 s; give the quote a 3 s budget with CancelAfter and fall back to the flat rate.",
    [("src/Larkspur.Shop.Checkout/Shipping/ShippingQuoteService.cs", r'''
using Larkspur.Shop.Checkout.Domain;
using Larkspur.Shop.Shipping.Carriers;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Checkout.Shipping;

public sealed class ShippingQuoteService : IShippingQuoteService
{
+    private static readonly TimeSpan CarrierQuoteBudget = TimeSpan.FromSeconds(3);
+
    private readonly ICarrierClient _carrier;
    private readonly ILogger<ShippingQuoteService> _logger;

    public ShippingQuoteService(ICarrierClient carrier, ILogger<ShippingQuoteService> logger)
    {
        _carrier = carrier;
        _logger = logger;
    }

    public async Task<ShippingQuote> GetQuoteAsync(QuoteRequest request, CancellationToken cancellationToken)
    {
-        var quote = await _carrier.GetQuoteAsync(request, cancellationToken);
-        _logger.LogDebug("Carrier quoted {Amount} for {PostalCode}", quote.Amount, request.PostalCode);
-        return quote;
+        using var quoteCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
+        quoteCts.CancelAfter(CarrierQuoteBudget);
+
+        try
+        {
+            var quote = await _carrier.GetQuoteAsync(request, quoteCts.Token);
+            _logger.LogDebug("Carrier quoted {Amount} for {PostalCode}", quote.Amount, request.PostalCode);
+            return quote;
+        }
+        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
+        {
+            _logger.LogWarning("Carrier quote for {PostalCode} exceeded {Budget}; using the flat rate", request.PostalCode, CarrierQuoteBudget);
+            return ShippingQuote.FlatRate(request.Currency);
+        }
    }
}
''')],
    [P("TimeoutChanged", "CancelAfter"), P("CatchAdded", "OperationCanceledException")],
)

# ---------------------------------------------------------------------------------------------
case(
    "17-smtp-retry-exponential-backoff.diff",
    "The fixed 1 s retry delay hammered the SMTP relay while it was throttling us (421 4.7.0); make the existing retry loop back off exponentially.",
    [("src/Larkspur.Shop.Notifications/Email/SmtpEmailSender.cs", r'''
using Larkspur.Shop.Notifications.Options;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Larkspur.Shop.Notifications.Email;

public sealed class SmtpEmailSender : IEmailSender
{
    private const int MaxAttempts = 4;
+    private const int BaseDelayMilliseconds = 500;

    private readonly SmtpOptions _options;
    private readonly ILogger<SmtpEmailSender> _logger;

    public SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(_options.Host, _options.Port, _options.UseStartTls, cancellationToken);
                await client.AuthenticateAsync(_options.UserName, _options.Password, cancellationToken);
                await client.SendAsync(message, cancellationToken);
                await client.DisconnectAsync(true, cancellationToken);
                return;
            }
            catch (SmtpCommandException ex) when (attempt < MaxAttempts && ex.StatusCode == SmtpStatusCode.ServiceNotAvailable)
            {
-                _logger.LogWarning(ex, "SMTP relay unavailable (attempt {Attempt}), retrying in 1s", attempt);
-                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
+                var delay = TimeSpan.FromMilliseconds(BaseDelayMilliseconds * Math.Pow(2, attempt - 1));
+                _logger.LogWarning(ex, "SMTP relay unavailable (attempt {Attempt}), retrying in {Delay}", attempt, delay);
+                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
''')],
    [P("Backoff")],
)

# ---------------------------------------------------------------------------------------------
case(
    "18-orleans-cart-grain-null-items.diff",
    "CartGrain activations threw NullReferenceException for carts persisted by silo v2.2 and ETag conflicts left stale state; initialise missing Items and reload state on InconsistentStateException.",
    [("src/Larkspur.Shop.Grains/CartGrain.cs", r'''
using Larkspur.Shop.Grains.Abstractions;
using Larkspur.Shop.Grains.State;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace Larkspur.Shop.Grains;

public sealed class CartGrain : Grain, ICartGrain
{
    private readonly IPersistentState<CartState> _cart;
    private readonly ILogger<CartGrain> _logger;

    public CartGrain([PersistentState("cart", "carts")] IPersistentState<CartState> cart, ILogger<CartGrain> logger)
    {
        _cart = cart;
        _logger = logger;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
+        // Carts written by silo v2.2 were serialized without the Items collection.
+        if (_cart.State.Items is null)
+        {
+            _cart.State.Items = new List<CartItem>();
+        }
+
        _logger.LogDebug("Cart {CartId} activated with {ItemCount} items", this.GetPrimaryKeyString(), _cart.State.Items.Count);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<CartItem>> GetItemsAsync() => Task.FromResult<IReadOnlyList<CartItem>>(_cart.State.Items);

    public async Task AddItemAsync(CartItem item)
    {
        _cart.State.Items.Add(item);
        _cart.State.UpdatedAt = DateTimeOffset.UtcNow;
-        await _cart.WriteStateAsync();
+
+        try
+        {
+            await _cart.WriteStateAsync();
+        }
+        catch (InconsistentStateException ex)
+        {
+            // Another activation wrote the cart (ETag mismatch); reload so the next call sees the stored state.
+            _logger.LogWarning(ex, "ETag conflict while saving cart {CartId}; reloading state", this.GetPrimaryKeyString());
+            await _cart.ReadStateAsync();
+            throw;
+        }
    }
}
''')],
    [P("NullGuard"), P("CatchAdded", "InconsistentStateException")],
)

# ---------------------------------------------------------------------------------------------
case(
    "19-product-thumbnail-blob-not-found.diff",
    "Missing product originals raised RequestFailedException (404) and /tmp filled up with leaked downloads; serve a placeholder on 404 and delete the temp file in finally.",
    [("src/Larkspur.Shop.Catalog/Images/ProductImageService.cs", r'''
+using Azure;
using Azure.Storage.Blobs;
using Larkspur.Shop.Catalog.Images.Processing;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Catalog.Images;

public sealed class ProductImageService : IProductImageService
{
    private readonly BlobContainerClient _container;
    private readonly IThumbnailResizer _resizer;
    private readonly IPlaceholderImages _placeholders;
    private readonly ILogger<ProductImageService> _logger;

    public ProductImageService(BlobContainerClient container, IThumbnailResizer resizer, IPlaceholderImages placeholders, ILogger<ProductImageService> logger)
    {
        _container = container;
        _resizer = resizer;
        _placeholders = placeholders;
        _logger = logger;
    }

    public async Task<Stream> GetThumbnailAsync(string sku, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient($"products/{sku}/original.jpg");
        var tempFile = Path.Combine(Path.GetTempPath(), $"thumb-{Guid.NewGuid():N}.jpg");
-        await blob.DownloadToAsync(tempFile, cancellationToken);
-        return await _resizer.CreateThumbnailAsync(tempFile, 320, cancellationToken);
+
+        try
+        {
+            await blob.DownloadToAsync(tempFile, cancellationToken);
+            return await _resizer.CreateThumbnailAsync(tempFile, 320, cancellationToken);
+        }
+        catch (RequestFailedException ex) when (ex.Status == 404)
+        {
+            _logger.LogWarning("No original image for {Sku}; serving placeholder", sku);
+            return _placeholders.OpenThumbnail();
+        }
+        finally
+        {
+            File.Delete(tempFile);
+        }
    }
}
''')],
    [P("CatchAdded", "RequestFailedException")],
    ["FileDeletion"],
)

# ---------------------------------------------------------------------------------------------
case(
    "20-payment-plugin-loader-skip-native-dlls.diff",
    "The API crashed at startup with BadImageFormatException after a native SDK DLL was dropped into the plugins folder; load plugins in their own AssemblyLoadContext and skip non-managed files.",
    [("src/Larkspur.Shop.Api/Plugins/PaymentPluginLoader.cs", r'''
using System.Reflection;
+using System.Runtime.Loader;
using Larkspur.Shop.Payments.Abstractions;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Api.Plugins;

public sealed class PaymentPluginLoader
{
    private readonly ILogger<PaymentPluginLoader> _logger;

    public PaymentPluginLoader(ILogger<PaymentPluginLoader> logger)
    {
        _logger = logger;
    }

    public IReadOnlyList<IPaymentProviderPlugin> LoadPlugins(string pluginDirectory)
    {
        var plugins = new List<IPaymentProviderPlugin>();
        foreach (var path in Directory.EnumerateFiles(pluginDirectory, "*.dll"))
        {
-            var assembly = Assembly.LoadFrom(path);
+            Assembly assembly;
+            try
+            {
+                var loadContext = new AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false);
+                assembly = loadContext.LoadFromAssemblyPath(Path.GetFullPath(path));
+            }
+            catch (BadImageFormatException ex)
+            {
+                // Native dependencies (libsodium.dll, the card-terminal SDK) are deployed next to the plugins.
+                _logger.LogDebug(ex, "Skipping {Path}: not a managed assembly", path);
+                continue;
+            }
+
            plugins.AddRange(CreatePlugins(assembly));
        }

        _logger.LogInformation("Loaded {Count} payment provider plugins from {Directory}", plugins.Count, pluginDirectory);
        return plugins;
    }

    private static IEnumerable<IPaymentProviderPlugin> CreatePlugins(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(type => typeof(IPaymentProviderPlugin).IsAssignableFrom(type) && type is { IsAbstract: false, IsInterface: false })
            .Select(type => (IPaymentProviderPlugin)Activator.CreateInstance(type)!);
}
''')],
    [P("CatchAdded", "BadImageFormatException")],
    ["AssemblyLoading"],
)

# ---------------------------------------------------------------------------------------------
case(
    "21-order-export-workdir-cleanup.diff",
    "The worker's scratch volume ran out of space (ENOSPC) because each nightly order export left its working folder behind; delete the folder in a finally block.",
    [("src/Larkspur.Shop.Worker/Exports/OrderExportJob.cs", r'''
using Larkspur.Shop.Worker.Options;
using Microsoft.Extensions.Options;

namespace Larkspur.Shop.Worker.Exports;

public sealed class OrderExportJob
{
    private readonly ExportOptions _options;
    private readonly IOrderCsvWriter _writer;
    private readonly IExportUploader _uploader;

    public OrderExportJob(IOptions<ExportOptions> options, IOrderCsvWriter writer, IExportUploader uploader)
    {
        _options = options.Value;
        _writer = writer;
        _uploader = uploader;
    }

    public async Task RunAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var workDir = Path.Combine(_options.ScratchPath, $"orders-{day:yyyyMMdd}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workDir);

-        var csvPath = Path.Combine(workDir, "orders.csv");
-        await _writer.WriteOrdersAsync(csvPath, day, cancellationToken);
-        await _uploader.UploadAsync(csvPath, $"exports/{day:yyyy/MM/dd}/orders.csv", cancellationToken);
+        try
+        {
+            var csvPath = Path.Combine(workDir, "orders.csv");
+            await _writer.WriteOrdersAsync(csvPath, day, cancellationToken);
+            await _uploader.UploadAsync(csvPath, $"exports/{day:yyyy/MM/dd}/orders.csv", cancellationToken);
+        }
+        finally
+        {
+            Directory.Delete(workDir, recursive: true);
+        }
    }
}
''')],
    [],
    ["DirectoryDeletion"],
)

# ---------------------------------------------------------------------------------------------
case(
    "22-worker-exit-on-invalid-options.diff",
    "The supplier-feed worker crash-looped with an unreadable unhandled OptionsValidationException; log the validation failures and exit with code 2.",
    [("src/Larkspur.Shop.Worker/Program.cs", r'''
using Larkspur.Shop.Worker;
using Larkspur.Shop.Worker.Options;
using Microsoft.Extensions.Options;

var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddOptions<SupplierFeedOptions>()
    .Bind(builder.Configuration.GetSection(SupplierFeedOptions.SectionName))
    .ValidateDataAnnotations();
builder.Services.AddHostedService<SupplierFeedWorker>();

var host = builder.Build();
-
-var feedOptions = host.Services.GetRequiredService<IOptions<SupplierFeedOptions>>().Value;
-var startupLogger = host.Services.GetRequiredService<ILogger<Program>>();
-startupLogger.LogInformation("Polling supplier feed {FeedUrl} every {Interval}", feedOptions.FeedUrl, feedOptions.PollInterval);
+var startupLogger = host.Services.GetRequiredService<ILogger<Program>>();
+
+try
+{
+    var feedOptions = host.Services.GetRequiredService<IOptions<SupplierFeedOptions>>().Value;
+    startupLogger.LogInformation("Polling supplier feed {FeedUrl} every {Interval}", feedOptions.FeedUrl, feedOptions.PollInterval);
+}
+catch (OptionsValidationException ex)
+{
+    startupLogger.LogCritical(ex, "Invalid {Section} configuration: {Failures}", SupplierFeedOptions.SectionName, string.Join("; ", ex.Failures));
+    Environment.Exit(2);
+}

await host.RunAsync();
''')],
    [P("CatchAdded", "OptionsValidationException")],
    ["EnvironmentExit"],
)

# ---------------------------------------------------------------------------------------------
case(
    "23-invoice-pdf-render-timeout.diff",
    "A malformed invoice template made wkhtmltopdf spin forever and pinned worker threads; bound the wait with a 60 s CancellationTokenSource and kill the process tree on cancellation.",
    [("src/Larkspur.Shop.Invoicing/Pdf/WkHtmlToPdfRenderer.cs", r'''
using System.Diagnostics;
using Larkspur.Shop.Invoicing.Options;
using Microsoft.Extensions.Options;

namespace Larkspur.Shop.Invoicing.Pdf;

public sealed class WkHtmlToPdfRenderer : IPdfRenderer
{
    private readonly PdfOptions _options;

    public WkHtmlToPdfRenderer(IOptions<PdfOptions> options)
    {
        _options = options.Value;
    }

    public async Task<byte[]> RenderAsync(string htmlPath, CancellationToken cancellationToken)
    {
        var outputPath = Path.ChangeExtension(htmlPath, ".pdf");
        var startInfo = CreateStartInfo(htmlPath, outputPath);
        using var process = Process.Start(startInfo)!;
-        await process.WaitForExitAsync(cancellationToken);
+
+        using var renderCts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
+        using var linkedCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, renderCts.Token);
+        try
+        {
+            await process.WaitForExitAsync(linkedCts.Token);
+        }
+        catch (OperationCanceledException)
+        {
+            process.Kill(entireProcessTree: true);
+            throw;
+        }

        await EnsureSucceededAsync(process, cancellationToken);
        return await File.ReadAllBytesAsync(outputPath, cancellationToken);
    }

    private static async Task EnsureSucceededAsync(Process process, CancellationToken cancellationToken)
    {
        if (process.ExitCode != 0)
        {
            var error = await process.StandardError.ReadToEndAsync(cancellationToken);
            throw new InvoiceRenderException($"wkhtmltopdf exited with {process.ExitCode}: {error}");
        }
    }

    private ProcessStartInfo CreateStartInfo(string htmlPath, string outputPath)
    {
        var startInfo = new ProcessStartInfo(_options.WkHtmlToPdfPath)
        {
            RedirectStandardError = true,
            UseShellExecute = false
        };
        startInfo.ArgumentList.Add("--quiet");
        startInfo.ArgumentList.Add("--encoding");
        startInfo.ArgumentList.Add("utf-8");
        startInfo.ArgumentList.Add(htmlPath);
        startInfo.ArgumentList.Add(outputPath);
        return startInfo;
    }
}
''')],
    [P("TimeoutChanged", "CancelAfter"), P("CatchAdded", "OperationCanceledException")],
    ["ProcessStart"],
)

# ---------------------------------------------------------------------------------------------
case(
    "24-catalog-import-malloc-trim.diff",
    "The catalog import pod was OOMKilled on the run after a 2 GB supplier feed because glibc kept freed arenas; compact the GC heap and call malloc_trim through P/Invoke after the import.",
    [("src/Larkspur.Shop.Worker/Imports/CatalogImportJob.cs", r'''
+using System.Runtime.InteropServices;
using Larkspur.Shop.Worker.Imports.Feeds;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Worker.Imports;

public sealed class CatalogImportJob
{
+    [DllImport("libc", EntryPoint = "malloc_trim")]
+    private static extern int MallocTrim(nuint pad);
+
    private readonly ISupplierFeedReader _feed;
    private readonly ICatalogImporter _importer;
    private readonly ILogger<CatalogImportJob> _logger;

    public CatalogImportJob(ISupplierFeedReader feed, ICatalogImporter importer, ILogger<CatalogImportJob> logger)
    {
        _feed = feed;
        _importer = importer;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var imported = 0;
        await foreach (var batch in _feed.ReadBatchesAsync(cancellationToken))
        {
            await _importer.ImportAsync(batch, cancellationToken);
            imported += batch.Count;
        }

        _logger.LogInformation("Imported {Count} products from the supplier feed", imported);
+
+        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
+        if (OperatingSystem.IsLinux())
+        {
+            MallocTrim(0);
+        }
    }
}
''')],
    [],
    ["PInvoke"],
)

# ---------------------------------------------------------------------------------------------
case(
    "25-image-fingerprint-null-pixels-unsafe.diff",
    "Supplier uploads with an empty body produced null pixel buffers and a NullReferenceException in ImageFingerprint; guard against null and (sneakily) switch the hash loop to unsafe pointer code.",
    [("src/Larkspur.Shop.Catalog/Images/ImageFingerprint.cs", r'''
namespace Larkspur.Shop.Catalog.Images;

/// <summary>
/// FNV-1a fingerprint used to detect duplicate product images uploaded by suppliers.
/// </summary>
public static class ImageFingerprint
{
    private const ulong FnvOffsetBasis = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

-    public static ulong Compute(byte[] pixels)
+    public static unsafe ulong Compute(byte[]? pixels)
    {
+        if (pixels is null || pixels.Length == 0)
+        {
+            return FnvOffsetBasis;
+        }
+
        var hash = FnvOffsetBasis;
-        for (var i = 0; i < pixels.Length; i++)
+        fixed (byte* start = pixels)
        {
-            hash ^= pixels[i];
-            hash *= FnvPrime;
+            var end = start + pixels.Length;
+            for (var p = start; p < end; p++)
+            {
+                hash ^= *p;
+                hash *= FnvPrime;
+            }
        }

        return hash;
    }
}
''')],
    [P("NullGuard")],
    ["UnsafeCode"],
)

# ---------------------------------------------------------------------------------------------
case(
    "26-redis-readiness-raw-socket-probe.diff",
    "The basket readiness probe hung until kubelet killed it because PING was queued in the multiplexer backlog while Redis was unreachable; probe the TCP port with a raw socket and a 2 s limit first.",
    [("src/Larkspur.Shop.Basket/Infrastructure/RedisTcpHealthCheck.cs", r'''
using System.Net;
+using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Larkspur.Shop.Basket.Infrastructure;

public sealed class RedisTcpHealthCheck : IHealthCheck
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly EndPoint _endpoint;

    public RedisTcpHealthCheck(IConnectionMultiplexer multiplexer)
    {
        _multiplexer = multiplexer;
        _endpoint = multiplexer.GetEndPoints()[0];
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
+        using var probeCts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
+        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
+        try
+        {
+            await socket.ConnectAsync(_endpoint, probeCts.Token);
+        }
+        catch (SocketException ex)
+        {
+            return HealthCheckResult.Unhealthy($"Redis endpoint {_endpoint} refused the connection ({ex.SocketErrorCode})", ex);
+        }
+        catch (OperationCanceledException ex)
+        {
+            return HealthCheckResult.Unhealthy($"Redis endpoint {_endpoint} did not accept a connection within 2s", ex);
+        }
+
        var latency = await _multiplexer.GetDatabase().PingAsync();
        var description = $"PING {latency.TotalMilliseconds:F0} ms";
        return latency < TimeSpan.FromMilliseconds(200) ? HealthCheckResult.Healthy(description) : HealthCheckResult.Degraded(description);
    }
}
''')],
    [P("TimeoutChanged", "CancelAfter"), P("CatchAdded", "SocketException"), P("CatchAdded", "OperationCanceledException")],
    ["RawSocket"],
)

# ---------------------------------------------------------------------------------------------
case(
    "27-pos-sync-registry-proxy-null-key.diff",
    "The Windows POS sync agent crashed with NullReferenceException in stores installed without a proxy because the PosSync registry key is missing; read the key null-safely.",
    [("src/Larkspur.Shop.PosSync/Configuration/ProxySettingsReader.cs", r'''
using System.Runtime.Versioning;
using Microsoft.Win32;

namespace Larkspur.Shop.PosSync.Configuration;

/// <summary>
/// Reads the outbound proxy configured by the store IT team during POS installation.
/// </summary>
[SupportedOSPlatform("windows")]
public static class ProxySettingsReader
{
    private const string PosSyncKeyPath = @"SOFTWARE\Larkspur\PosSync";

    public static Uri? ReadProxy()
    {
-        var key = Registry.LocalMachine.OpenSubKey(PosSyncKeyPath);
-        var value = (string)key.GetValue("ProxyUrl");
+        using var key = Registry.LocalMachine.OpenSubKey(PosSyncKeyPath);
+        var value = key?.GetValue("ProxyUrl") as string;
        return string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
    }
}
''')],
    [P("NullGuard")],
    ["Registry"],
)

# ---------------------------------------------------------------------------------------------
case(
    "28-csv-export-emitted-getters.diff",
    "The nightly 4M-line order CSV export overran its 2 h window because PropertyInfo.GetValue dominated the profile; replace reflection with DynamicMethod-emitted getters.",
    [("src/Larkspur.Shop.Reporting/Csv/CsvRowWriter.cs", r'''
using System.Reflection;
+using System.Reflection.Emit;

namespace Larkspur.Shop.Reporting.Csv;

public sealed class CsvRowWriter<T>
{
    private static readonly PropertyInfo[] Properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
+    private static readonly Func<T, object?>[] Getters = Array.ConvertAll(Properties, CreateGetter);

    public void WriteHeader(TextWriter writer)
    {
        writer.WriteLine(string.Join(',', Properties.Select(property => CsvEscaper.Escape(property.Name))));
    }

    public void WriteRow(TextWriter writer, T row)
    {
        for (var i = 0; i < Properties.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

-            writer.Write(CsvEscaper.Escape(Properties[i].GetValue(row)));
+            writer.Write(CsvEscaper.Escape(Getters[i](row)));
        }

        writer.WriteLine();
    }
+
+    private static Func<T, object?> CreateGetter(PropertyInfo property)
+    {
+        var method = new DynamicMethod($"get_{property.Name}", typeof(object), new[] { typeof(T) }, typeof(CsvRowWriter<T>).Module, skipVisibility: true);
+        var il = method.GetILGenerator();
+        if (typeof(T).IsValueType)
+        {
+            il.Emit(OpCodes.Ldarga_S, (byte)0);
+            il.Emit(OpCodes.Call, property.GetMethod!);
+        }
+        else
+        {
+            il.Emit(OpCodes.Ldarg_0);
+            il.Emit(OpCodes.Callvirt, property.GetMethod!);
+        }
+
+        if (property.PropertyType.IsValueType)
+        {
+            il.Emit(OpCodes.Box, property.PropertyType);
+        }
+
+        il.Emit(OpCodes.Ret);
+        return method.CreateDelegate<Func<T, object?>>();
+    }
}
''')],
    [],
    ["ReflectionEmit"],
)

# ---------------------------------------------------------------------------------------------
case(
    "29-fulfillment-structured-logging.diff",
    "Fulfillment log lines could not be correlated with warehouse 409 errors during the incident review; add an OrderId logging scope and structured properties (logging-only change).",
    [("src/Larkspur.Shop.Orders/Services/OrderFulfillmentService.cs", r'''
using Larkspur.Shop.Orders.Persistence;
using Larkspur.Shop.Warehouse.Client;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Orders.Services;

public sealed class OrderFulfillmentService
{
    private readonly IOrderRepository _orders;
    private readonly IWarehouseClient _warehouse;
    private readonly ILogger<OrderFulfillmentService> _logger;

    public OrderFulfillmentService(IOrderRepository orders, IWarehouseClient warehouse, ILogger<OrderFulfillmentService> logger)
    {
        _orders = orders;
        _warehouse = warehouse;
        _logger = logger;
    }

    public async Task FulfillAsync(Guid orderId, CancellationToken cancellationToken)
    {
-        _logger.LogInformation("Fulfilling order");
+        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["OrderId"] = orderId });
+        _logger.LogInformation("Fulfilling order {OrderId}", orderId);
        var order = await _orders.GetAsync(orderId, cancellationToken);
        await _warehouse.ReserveAsync(order.WarehouseCode, order.Lines, cancellationToken);
+        _logger.LogInformation("Reserved {LineCount} lines in warehouse {WarehouseCode}", order.Lines.Count, order.WarehouseCode);
        await _orders.MarkFulfilledAsync(orderId, cancellationToken);
-        _logger.LogInformation("Order fulfilled");
+        _logger.LogInformation("Order {OrderId} fulfilled", orderId);
    }
}
''')],
    [],
    [],
)

# ---------------------------------------------------------------------------------------------
case(
    "30-basket-totals-move-to-price-calculator.diff",
    "Follow-up refactor to the basket/checkout total mismatch incident: move the basket total computation from BasketService into PriceCalculator without changing behaviour.",
    [("src/Larkspur.Shop.Basket/Services/BasketService.cs", r'''
using Larkspur.Shop.Basket.Domain;
using Larkspur.Shop.Basket.Pricing;

namespace Larkspur.Shop.Basket.Services;

public sealed class BasketService : IBasketService
{
    private readonly IBasketStore _store;
-    private readonly IPromotionRules _promotions;
+    private readonly PriceCalculator _priceCalculator;

-    public BasketService(IBasketStore store, IPromotionRules promotions)
+    public BasketService(IBasketStore store, PriceCalculator priceCalculator)
    {
        _store = store;
-        _promotions = promotions;
+        _priceCalculator = priceCalculator;
    }

    public async Task<BasketSummary> GetSummaryAsync(string customerId, CancellationToken cancellationToken)
    {
        var basket = await _store.GetAsync(customerId, cancellationToken) ?? CustomerBasket.Empty(customerId);
-        var subtotal = basket.Items.Sum(item => item.UnitPrice * item.Quantity);
-        var discount = _promotions.DiscountFor(basket, subtotal);
-        var total = Math.Round(subtotal - discount, 2, MidpointRounding.AwayFromZero);
-        return new BasketSummary(basket.Items.Count, subtotal, discount, total);
+        var totals = _priceCalculator.Calculate(basket);
+        return new BasketSummary(basket.Items.Count, totals.Subtotal, totals.Discount, totals.Total);
    }
}
'''),
     ("src/Larkspur.Shop.Basket/Pricing/PriceCalculator.cs", r'''
using Larkspur.Shop.Basket.Domain;

namespace Larkspur.Shop.Basket.Pricing;

+public sealed record BasketTotals(decimal Subtotal, decimal Discount, decimal Total);
+
public sealed class PriceCalculator
{
    private readonly IPromotionRules _promotions;

    public PriceCalculator(IPromotionRules promotions)
    {
        _promotions = promotions;
    }

    public decimal LineTotal(BasketItem item) => Math.Round(item.UnitPrice * item.Quantity, 2, MidpointRounding.AwayFromZero);
+
+    public BasketTotals Calculate(CustomerBasket basket)
+    {
+        var subtotal = basket.Items.Sum(item => item.UnitPrice * item.Quantity);
+        var discount = _promotions.DiscountFor(basket, subtotal);
+        var total = Math.Round(subtotal - discount, 2, MidpointRounding.AwayFromZero);
+        return new BasketTotals(subtotal, discount, total);
+    }
}
''')],
    [],
    [],
)

# ---------------------------------------------------------------------------------------------
case(
    "31-vat-rounding-per-line.diff",
    "Invoices disagreed with the ERP by one cent because VAT was rounded once on the total with banker's rounding; round per line, half away from zero.",
    [("src/Larkspur.Shop.Checkout/Tax/VatCalculator.cs", r'''
using Larkspur.Shop.Checkout.Domain;

namespace Larkspur.Shop.Checkout.Tax;

public sealed class VatCalculator
{
    private readonly IVatRateProvider _rates;

    public VatCalculator(IVatRateProvider rates)
    {
        _rates = rates;
    }

    public VatBreakdown Calculate(IReadOnlyList<OrderLine> lines, string countryCode)
    {
        var rate = _rates.StandardRateFor(countryCode);
        var net = lines.Sum(line => line.UnitPrice * line.Quantity);
-        var vat = Math.Round(net * rate, 2);
+        var vat = lines.Sum(line => Math.Round(line.UnitPrice * line.Quantity * rate, 2, MidpointRounding.AwayFromZero));
        return new VatBreakdown(net, vat, net + vat);
    }
}
''')],
    [],
    [],
)

# ---------------------------------------------------------------------------------------------
case(
    "32-stock-reservation-stop-swallowing.diff",
    "Callers ignored the false result of a swallowed reservation failure and orders shipped against negative stock; remove the catch-all, check availability and reserve inside a transaction.",
    [("src/Larkspur.Shop.Inventory/Services/StockReservationService.cs", r'''
using Larkspur.Shop.Inventory.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkspur.Shop.Inventory.Services;

public sealed class StockReservationService : IStockReservationService
{
    private readonly InventoryDbContext _db;
    private readonly ILogger<StockReservationService> _logger;

    public StockReservationService(InventoryDbContext db, ILogger<StockReservationService> logger)
    {
        _db = db;
        _logger = logger;
    }

-    public async Task<bool> ReserveAsync(Guid orderId, IReadOnlyList<StockRequest> lines, CancellationToken cancellationToken)
+    public async Task ReserveAsync(Guid orderId, IReadOnlyList<StockRequest> lines, CancellationToken cancellationToken)
    {
-        try
-        {
-            foreach (var line in lines)
-            {
-                var item = await _db.StockItems.SingleAsync(s => s.Sku == line.Sku, cancellationToken);
-                item.Available -= line.Quantity;
-            }
-
-            await _db.SaveChangesAsync(cancellationToken);
-            return true;
-        }
-        catch (Exception ex)
-        {
-            _logger.LogError(ex, "Stock reservation failed for order {OrderId}", orderId);
-            return false;
-        }
+        await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
+        foreach (var line in lines)
+        {
+            var item = await _db.StockItems.SingleAsync(s => s.Sku == line.Sku, cancellationToken);
+            if (item.Available < line.Quantity)
+            {
+                throw new InsufficientStockException(line.Sku, line.Quantity, item.Available);
+            }
+
+            item.Available -= line.Quantity;
+        }
+
+        await _db.SaveChangesAsync(cancellationToken);
+        await transaction.CommitAsync(cancellationToken);
+        _logger.LogInformation("Reserved stock for order {OrderId}", orderId);
    }
}
''')],
    [],
    [],
)

# ---------------------------------------------------------------------------------------------
case(
    "33-payment-gateway-timeout-option.diff",
    "Stuck payment authorizations held checkout pods for the 100 s HttpClient default because PaymentGateway:Timeout was never applied; lower the option default to 20 s and apply it to the typed client.",
    [("src/Larkspur.Shop.Payments/Configuration/PaymentGatewayOptions.cs", r'''
using System.ComponentModel.DataAnnotations;

namespace Larkspur.Shop.Payments.Configuration;

public sealed class PaymentGatewayOptions
{
    public const string SectionName = "PaymentGateway";

    [Required, Url]
    public string BaseUrl { get; set; } = "https://api.sandbox.paygate.example/";

    [Required]
    public string MerchantId { get; set; } = string.Empty;

-    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
+    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    public bool UseSandbox { get; set; } = true;
}
'''),
     ("src/Larkspur.Shop.Payments/DependencyInjection.cs", r'''
using Larkspur.Shop.Payments.Configuration;
using Larkspur.Shop.Payments.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkspur.Shop.Payments;

public static class DependencyInjection
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentGatewayOptions>()
            .Bind(configuration.GetSection(PaymentGatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpClient<IPaymentGatewayClient, PaymentGatewayClient>(ConfigureGatewayClient);

        return services;
    }

    private static void ConfigureGatewayClient(IServiceProvider serviceProvider, HttpClient client)
    {
        var options = serviceProvider.GetRequiredService<IOptions<PaymentGatewayOptions>>().Value;
+        client.Timeout = options.Timeout;
        client.BaseAddress = new Uri(options.BaseUrl);
        client.DefaultRequestHeaders.Add("X-Merchant-Id", options.MerchantId);
    }
}
''')],
    [P("TimeoutChanged", "Timeout")],
)

# ---------------------------------------------------------------------------------------------
case(
    "34-reviews-client-constant-retry-v8.diff",
    "Product pages showed empty reviews while the single reviews pod restarted nightly; add a Microsoft.Extensions.Http.Resilience retry with two attempts and a constant 300 ms delay.",
    [("src/Larkspur.Shop.Api/Registration/ReviewsClientRegistration.cs", r'''
using Larkspur.Shop.Api.Clients;
+using Microsoft.Extensions.Http.Resilience;
+using Polly;

namespace Larkspur.Shop.Api.Registration;

public static class ReviewsClientRegistration
{
    public static IServiceCollection AddReviewsClient(this IServiceCollection services, IConfiguration configuration)
    {
        var httpClientBuilder = services.AddHttpClient<IReviewsClient, ReviewsClient>(client =>
            client.BaseAddress = new Uri(configuration["Services:Reviews:BaseUrl"]!));
+
+        httpClientBuilder.AddResilienceHandler("reviews", pipeline =>
+        {
+            pipeline.AddRetry(new HttpRetryStrategyOptions
+            {
+                MaxRetryAttempts = 2,
+                Delay = TimeSpan.FromMilliseconds(300),
+                BackoffType = DelayBackoffType.Constant,
+                UseJitter = false
+            });
+        });

        return services;
    }
}
''')],
    [P("Retry")],
)

# ---------------------------------------------------------------------------------------------
case(
    "35-product-details-hybrid-cache.diff",
    "A campaign mail sent 40k visitors to one product page and its nine queries per view drove the catalog database to 100% CPU; cache product details with HybridCache.",
    [("src/Larkspur.Shop.Catalog/Services/ProductDetailsService.cs", r'''
using Larkspur.Shop.Catalog.Data;
using Larkspur.Shop.Catalog.Models;
using Microsoft.EntityFrameworkCore;
+using Microsoft.Extensions.Caching.Hybrid;

namespace Larkspur.Shop.Catalog.Services;

public sealed class ProductDetailsService : IProductDetailsService
{
    private readonly CatalogDbContext _db;
+    private readonly HybridCache _cache;

-    public ProductDetailsService(CatalogDbContext db)
+    public ProductDetailsService(CatalogDbContext db, HybridCache cache)
    {
        _db = db;
+        _cache = cache;
    }

    public async Task<ProductDetails?> GetAsync(int productId, CancellationToken cancellationToken)
    {
-        return await LoadAsync(productId, cancellationToken);
+        return await _cache.GetOrCreateAsync(
+            $"product-details:{productId}",
+            async cancel => await LoadAsync(productId, cancel),
+            cancellationToken: cancellationToken);
    }

    private async Task<ProductDetails?> LoadAsync(int productId, CancellationToken cancellationToken)
    {
        return await _db.Products
            .AsNoTracking()
            .Where(product => product.Id == productId)
            .Select(product => new ProductDetails(
                product.Id,
                product.Name,
                product.Description,
                product.Brand.Name,
                product.Variants.Select(variant => new VariantSummary(variant.Sku, variant.Price, variant.StockLevel)).ToList()))
            .SingleOrDefaultAsync(cancellationToken);
    }
}
'''),
     ("src/Larkspur.Shop.Catalog/Program.cs", r'''
using Larkspur.Shop.Catalog.Data;
using Larkspur.Shop.Catalog.Endpoints;
using Larkspur.Shop.Catalog.Services;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDbContext<CatalogDbContext>(options =>
    options.UseNpgsql(builder.Configuration.GetConnectionString("Catalog")));
builder.Services.AddMemoryCache();
+builder.Services.AddHybridCache();
builder.Services.AddScoped<ICategoryService, CategoryService>();
builder.Services.AddScoped<IProductDetailsService, ProductDetailsService>();

var app = builder.Build();

app.MapCategoryEndpoints();
app.MapProductEndpoints();

app.Run();
''')],
    [P("Caching")],
)
