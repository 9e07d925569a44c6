namespace HealingGrains.Silo.Otlp;

/// <summary>The two encodings of OTLP/HTTP; a response uses the request's.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}
