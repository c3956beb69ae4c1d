"""Stream an image generation: save each partial image as it arrives, then the final image.

    python examples/stream_images.py [folder]

The images go to ``folder`` (created if needed), else to a new temporary folder.

With OPENAI_API_KEY set this talks to the OpenAI API (choose the model with
OPENAI_IMAGE_MODEL). Without a key it starts the fake server that ships with
openai_lite, so it also runs offline; its images are tiny 8x8 PNGs.
"""

import base64
import os
import sys
import tempfile

try:
    import openai_lite
except ImportError:
    # Run from a source checkout without installing: use the package next to this folder.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import openai_lite

from openai_lite.testing import FakeServer
from openai_lite.types.images import ImageGenCompletedEvent, ImageGenPartialImageEvent

MODEL = os.environ.get("OPENAI_IMAGE_MODEL", "gpt-image-1")


def demo(client: openai_lite.Client, folder: str) -> None:
    events = client.create_image_stream(
        model=MODEL,
        prompt="A watercolour of a river at dawn",
        partial_images=2,  # up to 3 rougher versions arrive before the final image
        size="1024x1024",
    )
    for event in events:
        if isinstance(event, ImageGenPartialImageEvent):
            name = f"partial-{event.partial_image_index}.{event.output_format}"
        elif isinstance(event, ImageGenCompletedEvent):
            name = f"final.{event.output_format}"
        else:
            continue  # an event type this version of openai_lite does not know: an openai_lite.UnknownEvent
        path = os.path.join(folder, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(event.b64_json))
        print(f"saved {path}")


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="openai-lite-images-")
    os.makedirs(folder, exist_ok=True)
    try:
        if os.environ.get("OPENAI_API_KEY"):
            with openai_lite.Client() as client:  # reads OPENAI_API_KEY (and OPENAI_BASE_URL, if set)
                demo(client, folder)
        else:
            with FakeServer() as server:
                print(f"OPENAI_API_KEY is not set: using the built-in fake server at {server.base_url}")
                with openai_lite.Client(api_key="fake-key", base_url=server.base_url) as client:
                    demo(client, folder)
    except openai_lite.APIError as exc:
        sys.exit(f"The API call failed: {exc}")


if __name__ == "__main__":
    main()
