"""openai_lite with Azure OpenAI: a chat completion and a streamed one, sent to your deployment.

    export AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com
    export OPENAI_API_VERSION=2024-10-21
    export AZURE_OPENAI_DEPLOYMENT=<your chat deployment>
    export AZURE_OPENAI_API_KEY=...      # or leave unset to sign in with Microsoft Entra ID
    python examples/azure.py

Without AZURE_OPENAI_API_KEY the example authenticates with Entra ID through
azure-identity (pip install azure-identity; `az login` is enough locally).
"""

import os
import sys

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite


def make_client() -> openai_lite.AzureClient:
    if os.environ.get("AZURE_OPENAI_API_KEY"):
        # AzureClient() reads AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION.
        return openai_lite.AzureClient()
    try:
        from azure.identity import DefaultAzureCredential, get_bearer_token_provider
    except ImportError:
        sys.exit("Set AZURE_OPENAI_API_KEY, or pip install azure-identity to sign in with Entra ID.")
    # The provider is called for every request and caches and refreshes the token itself.
    provider = get_bearer_token_provider(DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default")
    return openai_lite.AzureClient(azure_ad_token_provider=provider)


def main() -> None:
    deployment = os.environ.get("AZURE_OPENAI_DEPLOYMENT")
    if not (deployment and os.environ.get("AZURE_OPENAI_ENDPOINT") and os.environ.get("OPENAI_API_VERSION")):
        sys.exit(__doc__)
    try:
        with make_client() as client:
            # On Azure, `model` names the deployment (or pass azure_deployment= to AzureClient).
            reply = client.create_chat_completion(
                model=deployment, messages=[{"role": "user", "content": "Say hello in five words or fewer."}]
            )
            print("Chat reply:", reply.choices[0].message.content)

            print("Streamed reply: ", end="", flush=True)
            for chunk in client.create_chat_completion_stream(
                model=deployment, messages=[{"role": "user", "content": "Count from one to five."}]
            ):
                # Azure sends a first chunk without choices (its prompt filter results).
                if chunk.choices and chunk.choices[0].delta.content:
                    print(chunk.choices[0].delta.content, end="", flush=True)
            print()
    except openai_lite.APIError as exc:
        sys.exit(f"The API call failed: {exc}")


if __name__ == "__main__":
    main()
