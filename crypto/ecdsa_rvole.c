/* Random vector OLE (see ecdsa_rvole.h). */
#include "crypto/ecdsa_rvole.h"

#include <string.h>
#include <sodium.h>

#include "tss/common.h"
#include "crypto/ctime_declassify.h"
#include "crypto/ecdsa_transcript.h"

/* g_k for 256 <= k < 416: SHA-256("tss-ecdsa-dkls23-gadget-v1" ‖ be16(k)) mod n (tests/test_ecdsa_ot.c
 * recomputes them). */
static const k1_scalar GADGET_HI[OTE_COUNT - 256] = {
    {{0x7abc3ad1eb9033dfULL, 0x085fb33d7f941191ULL, 0xba89e39a2b701552ULL, 0xc930af8c4016a8e3ULL}},
    {{0xe289fab0b21808e9ULL, 0x16e1448f9c05d55fULL, 0x24fc8beeb365af95ULL, 0x7374daf845e3d82fULL}},
    {{0xda253502cff789d0ULL, 0xa122c18c1fbbffe9ULL, 0x8c3009abe0fbfc39ULL, 0x4ff3272bf8d1e4f9ULL}},
    {{0xf4c176ae4b6027d4ULL, 0xb12923612f7a8624ULL, 0x58dc7a8ba80d6d57ULL, 0xabbb7c84ca645b51ULL}},
    {{0xefd1ea315814672bULL, 0x9f40c118656a8808ULL, 0xe27eb28b87a9e9acULL, 0x9098aff879295ca7ULL}},
    {{0x44e37858c869cb8fULL, 0xd17d60c902f28af4ULL, 0x2deaef28a19e9534ULL, 0xe382e3efcf1cea2fULL}},
    {{0xc2f162c0efd88706ULL, 0xacd3852309e402e6ULL, 0xecc22a6ce602188fULL, 0x4029396d8f5ab948ULL}},
    {{0xe31d2912281d4007ULL, 0xcbcb1d97d8a39394ULL, 0x9beb08cc7a885abeULL, 0x720dbe0e194307fcULL}},
    {{0xb9529a6dd7d8b4f7ULL, 0x0eb99191c1ed9fa6ULL, 0xe9f3e2ef2d542c55ULL, 0xe7e64afe78a83c75ULL}},
    {{0xddfff048a5dd9993ULL, 0x8fe01212d8143185ULL, 0xaad246a2ea676c1aULL, 0x7c5df261624ae903ULL}},
    {{0x6a2cd4a01c0a105fULL, 0xe97f16ddff0f4549ULL, 0x51f11f2abc622c25ULL, 0x2aa8f080b1e4685bULL}},
    {{0x0cd4828209141d2bULL, 0x9df05d52d6b88ccbULL, 0x9a77b0577c921d9bULL, 0x0c17cfdd71142e07ULL}},
    {{0x981087404956f3d1ULL, 0x3a4b7edbe6bc345aULL, 0xca05196a3a4ce52cULL, 0xeb619af4512f9ef8ULL}},
    {{0x3f5b3a2eabe64e01ULL, 0x6f196113f1c9b7e0ULL, 0x0a92e7292ea3a43cULL, 0x0bbe8c1ec5301adfULL}},
    {{0xac72f2bc09cbb6ecULL, 0xb33cb44a863c936dULL, 0x3ef7bfab95a06a9bULL, 0x995e126c506e3cf8ULL}},
    {{0x56e3abca632c19b2ULL, 0x9c5050c5b538056eULL, 0x654219c6757263d6ULL, 0x69c95e6ad342460dULL}},
    {{0x0379df49a3cdbad0ULL, 0x3d62e75d408e6874ULL, 0x3ecf43f59b73200aULL, 0x592f7c6f579d1569ULL}},
    {{0xeb3aa4a6933f7993ULL, 0x560b2b2e5e41236cULL, 0xe225771d3f5db84dULL, 0x1ea4ae109537f59bULL}},
    {{0x95fd520cdf983f0cULL, 0x7ba558f48c4967a4ULL, 0x76e2ab6d9b4202f0ULL, 0x280ad2c8613ebeb9ULL}},
    {{0xee8da94a45c6b74cULL, 0xc59480e7f8bd9d06ULL, 0xb23c909c0f938fd5ULL, 0xa761dccf72f01fecULL}},
    {{0x72b7f5f66112456eULL, 0xfb8c5a2227262ae8ULL, 0xcd3672b007af9931ULL, 0x075f609e3d8fdb89ULL}},
    {{0x8bc0606beedbe442ULL, 0x4dc4b54aae032aaaULL, 0xd9343bb284513932ULL, 0xf799cd326b798da7ULL}},
    {{0x63ec84281ec0f981ULL, 0x1d79fc77fff6aa37ULL, 0x2fdf2b664a601e0cULL, 0x6260ca763d2504a3ULL}},
    {{0x547c06d1763527a8ULL, 0x595eebb697aa9443ULL, 0x48e07d0c61a2ddcfULL, 0x3478a3cf7deed5feULL}},
    {{0x3599bc98c88d4474ULL, 0x43a6425212b7a85fULL, 0xc5ee67c52502d3f8ULL, 0x53e672dd7b5d8a9cULL}},
    {{0x1fb7cb49e96403a8ULL, 0xdd0eadaa12287144ULL, 0xb5512c79dc5b99d6ULL, 0xbdf3bfd51383b995ULL}},
    {{0x462d7523084367f1ULL, 0x2aeed9b151015181ULL, 0x8d623b6476f0e249ULL, 0xe167a0341e850067ULL}},
    {{0x6b273ac0a15000a0ULL, 0x0f267bd2698cfd87ULL, 0x93668a5f40c1bfceULL, 0xda74f8f170e9b9ceULL}},
    {{0xb5d0c31805919353ULL, 0xf77418f39b70fca3ULL, 0xf345d0668a9e3c5eULL, 0x645ce401d51b32a9ULL}},
    {{0x7f33f2a03c713a8eULL, 0xc72439f1af9155beULL, 0xb9216cd2d98109beULL, 0x43068e20b5909b0aULL}},
    {{0x59d4bb6ed7a838b4ULL, 0xd0b73ed194f6b980ULL, 0x274b814d79fa164eULL, 0x8c7203046a0084e6ULL}},
    {{0x3adf5cc9dbf58511ULL, 0xc32c65df787f3c90ULL, 0xd6a26f8be42f0d79ULL, 0x9025b5fdfbc6dc1dULL}},
    {{0x5e80425b96ae5d4dULL, 0x1eafd59b7c861d46ULL, 0x680b737ee7e70ac3ULL, 0x46cb028fca5cddd7ULL}},
    {{0x20c4395352c5463bULL, 0x0c03ab2bb514fd22ULL, 0x8603be6f0410700aULL, 0x4ef2aef62894d22fULL}},
    {{0x0972dfa18f474bddULL, 0xf3da74936c264534ULL, 0x1a1b00821415f438ULL, 0x0afca4fe6df449dcULL}},
    {{0xc58b64983fc28b29ULL, 0x26fc85d49decc613ULL, 0x46276ad8fcd5fe08ULL, 0x72bd702e9d1689f6ULL}},
    {{0xe3bd995564bf42a0ULL, 0x7a0a3eeb643472b1ULL, 0xda80ce96ef9f0eeeULL, 0x452120cfa5395cd5ULL}},
    {{0x52273038dc436875ULL, 0x55dc1647c007444fULL, 0x64fde29a18d79d8eULL, 0xb86bffc7f1d40423ULL}},
    {{0x1788bb79d3a5b466ULL, 0x382afd20b94bb934ULL, 0x0b224656671c5495ULL, 0x98d76882415af4ceULL}},
    {{0x3d77e7942f0dd969ULL, 0x561f2d84de1d8650ULL, 0x3e4f8f422e0a78e0ULL, 0x2e682c375677f6dfULL}},
    {{0x8ba13a1adc388feaULL, 0x78e17804a265def3ULL, 0xf46a5d19f3f64223ULL, 0xf9ea7208b1978968ULL}},
    {{0x1e960e7e9fc42066ULL, 0xe8814d88d0ac69c1ULL, 0x4831354c19771249ULL, 0x4aaf9aa3ae753552ULL}},
    {{0x93e92033be8c9f54ULL, 0xd6b6b12796edf65dULL, 0x42d2c728a6fe9355ULL, 0x62d9bfe8f41a273bULL}},
    {{0x48a25587058dc1caULL, 0x0c41b1d5ff6a6a57ULL, 0x1eab1569bf507790ULL, 0x8221ea7f2e62b03dULL}},
    {{0x642adb341290a26fULL, 0x496863d71a58fd51ULL, 0x1bb7394f1fe7f458ULL, 0x155a1da2943a4787ULL}},
    {{0x93f14da4729094e3ULL, 0xd8618a259bad6752ULL, 0xa4e3dc0aa463ff1eULL, 0xf1210d4cc4998fccULL}},
    {{0xdcfcb3a3db09cd3bULL, 0xe9bc828d7883f698ULL, 0x5d9122e220702b8aULL, 0x5fac9d1d300b41cdULL}},
    {{0x3f84699d9cb6745eULL, 0x1cb577408ea8aed1ULL, 0x1349dc64ff04ba12ULL, 0x55fe2d62a3f739aaULL}},
    {{0x880b6b46e0f09a33ULL, 0x07f93a9b172f605fULL, 0x4755eb016be3b643ULL, 0xa74d5179612ba1c8ULL}},
    {{0xaef10cfa3a1c6f42ULL, 0x57812bce1463610fULL, 0xf94aaf2879177de5ULL, 0x6e0201073920553aULL}},
    {{0x390bce04486a3a45ULL, 0xa06369270ca58e98ULL, 0x568a5662391d29d0ULL, 0xd9c782af890dc4d3ULL}},
    {{0x75dd4274550578f6ULL, 0x1024f13c712a174cULL, 0x377695c853d4b1e1ULL, 0x34dc03e056af9033ULL}},
    {{0x9af46c3682dc6817ULL, 0x7ae959ab2ba66396ULL, 0x1dd93fc8969d59a1ULL, 0xc755e1380e1e5239ULL}},
    {{0x6440d4541e070919ULL, 0x815a026c8fac4f16ULL, 0x9449aee13cefecc7ULL, 0xbbb763bd6bdaa44dULL}},
    {{0x16f9691a01c3f6bfULL, 0x2d0552b556d3706cULL, 0x381cbbe5a99ad25aULL, 0xba5b0d76a6f18532ULL}},
    {{0x313befb9bb24ac16ULL, 0xa00455face747052ULL, 0x5ed8d39c61248d61ULL, 0xb49b682f26226bb8ULL}},
    {{0x1bfa09a7d93caf4eULL, 0x3b60522086a24c40ULL, 0x70d645389714264fULL, 0x3f1bddd4bb18df4eULL}},
    {{0xbd883e0f2ce508e1ULL, 0x771d468cbb47c07dULL, 0xbff9044baa034231ULL, 0x19e09fa02a93c4f4ULL}},
    {{0x29ebe582faf6ff05ULL, 0xa61b74447bb9a770ULL, 0x4c24507ab28207f5ULL, 0xae26a7670db51c74ULL}},
    {{0xfa76ed0119445693ULL, 0x3e1a48ce65d8d609ULL, 0x23bfa1da23af4011ULL, 0x6ad93be2926ec607ULL}},
    {{0x7d523037ab6f0f75ULL, 0x74357f9fe800c1fbULL, 0xb25266b3ac5f7fd4ULL, 0x207a7375aa492dafULL}},
    {{0xd42fe8fffcbe39acULL, 0xd42f3b8d74f612acULL, 0xbac04f7ae9c61970ULL, 0x4d7cee3dd6db984aULL}},
    {{0x32481b9a0a7a4b71ULL, 0x22037712526640b7ULL, 0xfcc804c75a2e15e7ULL, 0x95043586f0722e6dULL}},
    {{0xf5ffdb2c0db27726ULL, 0x8547e187e15ee746ULL, 0xd84f65937faceaabULL, 0x7d8db644e527ca91ULL}},
    {{0x62b2335bca39e614ULL, 0x58834b3aaca82abcULL, 0x8341ba7c4c18c6b8ULL, 0x13e12f32e8ebefd2ULL}},
    {{0xd6c9a521994b1275ULL, 0x54f0de94aab48956ULL, 0x613458760b80c2a7ULL, 0x0cf084c28362f836ULL}},
    {{0x70226a83b330a8e2ULL, 0x37c412cab9d1dec0ULL, 0xe31ead7b42e3d9eeULL, 0x7c9e3fa65b7fb59aULL}},
    {{0xd208bf4a0438fdd7ULL, 0xc8a83eade03f0d7cULL, 0x6e8903f76c6351c4ULL, 0xc30297a5999a1d9cULL}},
    {{0xe1d94161730ce065ULL, 0x6802dffa2c8651c7ULL, 0x271a151f0dc26398ULL, 0x8b667e07d6aaf104ULL}},
    {{0x413fe5defa31c7c2ULL, 0xdc2dedab35ef20d5ULL, 0x12674da55dda7194ULL, 0x734f86b950ecaafaULL}},
    {{0xae3ce62c389dee85ULL, 0xab956adaddbbe07bULL, 0xc0eab691b052af48ULL, 0x7e3d57cd985f0bd0ULL}},
    {{0x1228d1c7a1a2b2b8ULL, 0x486edb05d1671037ULL, 0x1303c64da99d625cULL, 0xe4d193f9998bfb44ULL}},
    {{0x9d95bfd73a486af7ULL, 0x25f2bf214b43eb20ULL, 0xf1b8019b3cd7cf2fULL, 0x7bbdf4c7121e4969ULL}},
    {{0x97185c855042cbd6ULL, 0x45348380c3e9ea3cULL, 0x7bd2062b84d10c1eULL, 0x9379babb1a573d3dULL}},
    {{0x6a0d92776c31f450ULL, 0x07fffe018be2f76bULL, 0x16c42f95b16f2da7ULL, 0x3a40c9d9f085032bULL}},
    {{0x4271c9aead35efd5ULL, 0xeb883d77cba942c8ULL, 0x00b8965ef2114052ULL, 0xf671075233e70429ULL}},
    {{0x777af0480222bff6ULL, 0x4022a4d345e6ac1fULL, 0x787eb67ec9ac58bbULL, 0x3e5f937b84a0f390ULL}},
    {{0x512512c8e2d23b76ULL, 0xe6273d2aa7e294a0ULL, 0x95ada7c137eed31cULL, 0x69bb15d2ddb39530ULL}},
    {{0xb87d2c51661f6d8eULL, 0x797432e9af789386ULL, 0x4d68a3cb8a86830dULL, 0x900ba158976e7c13ULL}},
    {{0x6ee63cdcb3a6a94aULL, 0x7b9a4cada698bbf6ULL, 0x329f820e86665a5eULL, 0xcdae0663794301f5ULL}},
    {{0x19b8ea5b15dbb7e4ULL, 0x3185aa282e56a338ULL, 0x07c3ef14f4361d5bULL, 0x4b93d156c0ff9e67ULL}},
    {{0xf410e0a191c5533fULL, 0x4484a6387fd09cf7ULL, 0x1b953c5b22494a1fULL, 0xd9e1007132cc075eULL}},
    {{0xed3b7eb1861283bdULL, 0xa7786e926c92fb5dULL, 0x915586340ef6f46cULL, 0x3e50b375a1093ef5ULL}},
    {{0x8333ff6180d03b92ULL, 0xd657a4fcc5d9a03eULL, 0xcc7e84ab8a0ef261ULL, 0x86a35b0c0f2a2707ULL}},
    {{0x5c31b12d0a4f7fe1ULL, 0x63c4b203b8f4d694ULL, 0xabca1e80d29795d8ULL, 0xd59d3c848a9c0c2dULL}},
    {{0x21f673130976278bULL, 0x1ce63d94a8ca256aULL, 0x639326ff8f66f372ULL, 0x206a349523be4a77ULL}},
    {{0x71bcedb368357877ULL, 0x32181998953540fcULL, 0x124642b3b013a243ULL, 0xee5696b8a5f50d13ULL}},
    {{0xd90435b626484a66ULL, 0x7df8166aada93e75ULL, 0x3a8b503fd8d41fe0ULL, 0x985414aedbde68b0ULL}},
    {{0xe94dda4349b52956ULL, 0xa8c2fffb2cb532a9ULL, 0x69e9e2f774f39f2dULL, 0x14b92c72fcca9272ULL}},
    {{0x13cc818a7deeb9e4ULL, 0x8f62da73abf61c46ULL, 0x1b2ccd6ecaf16780ULL, 0xb925c345d69e6e11ULL}},
    {{0x6628563c4ade880dULL, 0x7f860e90e04fb7beULL, 0xed05490688f35edcULL, 0xbe557dd0aad290a1ULL}},
    {{0xe8659d007dcd1cdcULL, 0xee1f4269fc65cc94ULL, 0x56ccffaf47bae0b1ULL, 0x683855ee7a5f0324ULL}},
    {{0xff0e688f8c03ff4fULL, 0x9d71fa94759477e1ULL, 0x393786fedbc7d512ULL, 0xa6b90eb9c04c6c05ULL}},
    {{0x02d30f2616d83ecdULL, 0x231a8332caba3ca4ULL, 0x9af1ded19a55a2b3ULL, 0x5134c81c61bb0b57ULL}},
    {{0x20ef80ce6e0c4a12ULL, 0xf20aa93eec59f956ULL, 0xbeb8cb2b7552d44eULL, 0xbaf4eb3a4897b204ULL}},
    {{0xfc25adda7494bb91ULL, 0xc37d8ec3c6417cc9ULL, 0xc0ad6cc079e00b6eULL, 0x63011fb1502aa396ULL}},
    {{0xea1a87db300e0fa9ULL, 0xbdbca3c1a9d20559ULL, 0x5a7ab25ad3abdcaeULL, 0x55e8bb8b0e1b2574ULL}},
    {{0xfedf94f044615632ULL, 0xb422edde44da78e5ULL, 0x971a14ebb4a640a4ULL, 0xfa368fd5f114eacbULL}},
    {{0xf12ee5808fed1e23ULL, 0xf63b1ee84f1f0d3bULL, 0xbdf5b5e0d962c181ULL, 0x9ae12afc87639280ULL}},
    {{0x172ef649d2ab33aeULL, 0x834dbed5ccf694ebULL, 0x600f1dc126217747ULL, 0xc4589b2d157b2851ULL}},
    {{0x8310863a2bb51fadULL, 0xd176316cde1800dbULL, 0xcbc52f9e268696b2ULL, 0x0efd671c1d95c9a5ULL}},
    {{0xc479907ecafa8bf1ULL, 0xbad4c7de147b701fULL, 0x04f61da7a5609944ULL, 0x8ae58ff1c4a67d11ULL}},
    {{0x6f316dcce49098d3ULL, 0x77797b9296d28008ULL, 0x98fef99170c12147ULL, 0x8aa885292949a7a3ULL}},
    {{0xfa60da7573b32ccdULL, 0xf4c940511a27582aULL, 0x23086907dd4e4de3ULL, 0x997b3cc0c7c30412ULL}},
    {{0x029f89bc4b8bca6dULL, 0x0fa8bd61dbe7b72eULL, 0x1fb7f8ee817bacfdULL, 0xe3e79678bff0124eULL}},
    {{0x0a8686689f9dc5aeULL, 0xffdd7a42f9429e96ULL, 0x534e203291dbde0cULL, 0xc8dbaa420a9d54ddULL}},
    {{0x5e496d82d3761b63ULL, 0x1a53f25d10820079ULL, 0x0b9f21a8f1e41647ULL, 0xf501e25afa1b60deULL}},
    {{0xa56af628282da29fULL, 0x34837c62f8c08729ULL, 0x607f28701886b474ULL, 0x7ea14275c28f947eULL}},
    {{0xe41317c1b976e707ULL, 0x6a5c8ee3d90be9efULL, 0xe79a18ede2a5d22eULL, 0xbec147e7e530bdf1ULL}},
    {{0x40f2f1bd91390274ULL, 0x26e3c3a98da0c3e2ULL, 0xfe5b13b343c85b31ULL, 0x2baceb07f3198c62ULL}},
    {{0x1a06a6aae0c4cf70ULL, 0x9cef20c5cb75c6b8ULL, 0x4b84c2b4379501eeULL, 0x5f56e5f30a7d0a43ULL}},
    {{0x46656da3ef0a36f4ULL, 0xadc3f334fa78a3ccULL, 0x963968c489290efbULL, 0x4be99e249d64dc46ULL}},
    {{0x2393911b822a7df8ULL, 0x29ce2c1ec118236dULL, 0xe3f6e0690aa744fbULL, 0x0ff2dd169a948f48ULL}},
    {{0x0807d54eb1478495ULL, 0x86780032645240ceULL, 0xa26fd5a83bb8bc83ULL, 0x08f087d02a83e7b8ULL}},
    {{0x2153dbe1dc933149ULL, 0x867040c1e5180c13ULL, 0x6ec09cccded717e2ULL, 0x315739d1a884361eULL}},
    {{0x9419889b5b074602ULL, 0xff691ec785c899d6ULL, 0xc7877c3d8dec84bcULL, 0xc57714c74cbe59cdULL}},
    {{0x02ebe8d77bbc9819ULL, 0xefadf0d3c7383fa7ULL, 0x74d6ac107399746bULL, 0xdb2665a9dc2c9b3bULL}},
    {{0xcc2164f96d735746ULL, 0x0ec4cd460cddd454ULL, 0x30766a66fcc78960ULL, 0x46484a54e4329973ULL}},
    {{0xaf0e3d4da20384f6ULL, 0x1946aff24db9cd03ULL, 0x1dc4ab786787e4e3ULL, 0x197e40d16bc11b60ULL}},
    {{0xce6f8a464b87f5cfULL, 0x838ea67695a96c07ULL, 0x8f35f8ebe314751dULL, 0x676006511f7457edULL}},
    {{0x02845eb0074aafcdULL, 0xbb72e1300352f978ULL, 0x4013ce3d98fccfdcULL, 0x01c4231c824a28d1ULL}},
    {{0xc55625b066011e47ULL, 0x9d02f0f28d19fff0ULL, 0x53a16edde1f2e5ccULL, 0x0805be05182ff7c3ULL}},
    {{0xdde6bc3269334a91ULL, 0xdb05fc8f949dc6f7ULL, 0x21124e4cd5267979ULL, 0xc8e23961119e68b9ULL}},
    {{0xb66552aa1ff4a980ULL, 0x879ed2459e46149bULL, 0xeb537430ae3eb008ULL, 0xdb25e6aa805a3aedULL}},
    {{0xd6be4a28b228cdbbULL, 0x1e986b74a5482d40ULL, 0xda0d69dcbf97d6ffULL, 0x6a26e90fd2626f42ULL}},
    {{0x6f4be558655d4f51ULL, 0xe8d2944a013b1bf7ULL, 0x0d4334de6b4de69dULL, 0x9dce240cd847f266ULL}},
    {{0x2d5f13b4db683cc7ULL, 0x6451449cb9ff9f2eULL, 0x72090ca7bb152636ULL, 0x782a54012c690305ULL}},
    {{0xf4e2c9cf7f70d31aULL, 0x7b3fe8e454c87695ULL, 0xaa4719f2e67bb14fULL, 0x8c1868ea9bad45deULL}},
    {{0xc0224e517f842228ULL, 0xa0d68d09f956902fULL, 0x962487e747519573ULL, 0xfb656b209304391dULL}},
    {{0x1b303a26c92e1138ULL, 0xd778a5bf09357520ULL, 0xc7b4b7d02c5469f6ULL, 0x85e5ffece000f04dULL}},
    {{0x8295f70a6765338aULL, 0xb8e461e8139d58bbULL, 0xa1fb92bb74a2fbebULL, 0x5c226891e9330292ULL}},
    {{0xcefc2ece982517e3ULL, 0xc07a8337bf17bf7bULL, 0xc87b969e4a17f81fULL, 0x89180438fb2d5d28ULL}},
    {{0x67078fe598455b02ULL, 0xf38430f14e2b17a5ULL, 0x17d020758e06f32cULL, 0x3780e8620f3a3aefULL}},
    {{0x628637edf4061944ULL, 0x1a1371b8fbd41b57ULL, 0x38b3120967dda218ULL, 0x0c9e7027aa9adde9ULL}},
    {{0xa20d842fc006e36fULL, 0xff0a4efcb5baed0eULL, 0x0607f330f9921467ULL, 0x0ef60abd57da0dfcULL}},
    {{0xc10cad5484ce55c4ULL, 0xd36c8a078198e538ULL, 0xf7f0d8e75163a112ULL, 0x0d616abd6e963c0aULL}},
    {{0x9a16b6248436e1e6ULL, 0x2d21c35ce9a6161dULL, 0xb3a8614c375c8756ULL, 0x2d502c4ab1b8192dULL}},
    {{0x1455ebcc90adf129ULL, 0x4bbf51f034d3da57ULL, 0x6ad575af25856cabULL, 0x2933383c6e2ed669ULL}},
    {{0x7bee0f70baf28143ULL, 0x75f647c54888cb03ULL, 0x09fffff94b9b3619ULL, 0x10a26dd41f0ddc63ULL}},
    {{0x6446c5d781534daeULL, 0x71e8c549b9d1fcf9ULL, 0xa79f4b454641fffeULL, 0x5c398d84ec300692ULL}},
    {{0x0a80027cf75fe9b7ULL, 0x3027456f3c51a08eULL, 0x917c89ee600d29a5ULL, 0xd05b071cbca1c946ULL}},
    {{0xebdc087938152770ULL, 0xd780b0573285a34bULL, 0x55ddd2c2f08c10e7ULL, 0x5004796ae58b9276ULL}},
    {{0x912ebfdc8cbf4c02ULL, 0xdae7d7e04e6b3907ULL, 0x334c7b301b44ae3cULL, 0xdc35fe8273b00c36ULL}},
    {{0x62c2155e17203a0eULL, 0xebb87864e0d10aa9ULL, 0x6783b60c85b09ebaULL, 0x20c711b5a59cb785ULL}},
    {{0x8c88734a2bf273b7ULL, 0x7d879cc4578b473dULL, 0xc8b42215d5a98e61ULL, 0xbfbc9c05c521def1ULL}},
    {{0xa0fb96c27251fc4fULL, 0x5258b9d53f3de386ULL, 0x2f3b33c93d650162ULL, 0x616fbce49683ef35ULL}},
    {{0x03aa5f0ae826961eULL, 0xd71a9270be7d19e0ULL, 0x2f3178dbae92b970ULL, 0x19240fb96915f840ULL}},
    {{0xf4fa629ef0468eb5ULL, 0x56275deb6815aec2ULL, 0x752e2b07931ef262ULL, 0x221314e0b41a6d48ULL}},
    {{0x1f6aa2a3d04017c9ULL, 0x58c210d0f28ba05fULL, 0x20e7194142eb3006ULL, 0x347e2195f9c20702ULL}},
    {{0x914c3a4be392a103ULL, 0x3019aa63eee70ab3ULL, 0xb9b4b5dfa76b9a6aULL, 0xb7294d870e385ccdULL}},
    {{0x5d50e587ffda05f4ULL, 0x3c9d72a032965145ULL, 0x765317c258b98e09ULL, 0x0c4adf3e712e9258ULL}},
    {{0x05da46eeea6a7573ULL, 0x6808250b240ed33cULL, 0x81a223c14303c133ULL, 0xd2fa04cb79d5d29eULL}},
    {{0x6788dcdc7dfda0bbULL, 0xf561ec8ef8d3910bULL, 0x573ad09c20ed9590ULL, 0x2eb6e12b445ffe67ULL}},
    {{0x571460b95833d503ULL, 0x72ba6459e01714feULL, 0x6ee250fb66928d50ULL, 0xb8a692e7bb00bb8aULL}},
    {{0xc025207998a3c2f4ULL, 0xbbdedbee26e53a0aULL, 0x9256bcbcd959552cULL, 0x7d2628ee28b157f6ULL}},
    {{0x67823a9ce0eeea03ULL, 0x56d99fc6cf3de2d5ULL, 0x4255b25dfc171ac4ULL, 0xc41b8c4ce33f21dfULL}},
    {{0x98b2b181402d4327ULL, 0x56c8a43305fbea7fULL, 0x5d07f4fad5073bb7ULL, 0x93596cbd698f4407ULL}},
    {{0x6c58becd319ab80cULL, 0x8ea8705874898c0cULL, 0x29c149bb79e235b9ULL, 0xd316fc864d0bc60cULL}},
    {{0xff7ae451d295ea2eULL, 0xaa47a8f9f0047f69ULL, 0x69b7cebd761762a8ULL, 0xb8a71a8a97e85eabULL}},
    {{0x1e2503a493f00537ULL, 0x528f8cfe896facdeULL, 0x013259cb6b3918c8ULL, 0x002bc8fa6d11be7dULL}},
};

void rvole_gadget(k1_scalar *g, uint32_t k)
{
    if (k < 256) {
        k1_scalar_zero(g);
        g->v[k / 64] = 1ULL << (k % 64);
    } else {
        *g = GADGET_HI[k - 256];
    }
}

/* Gadget inner product Σ g_j x_j: powers of two as shifted adds into the accumulator would save little;
 * one unreduced multiply-accumulate per term and one reduction. */
static void gadget_dot(k1_scalar *r, const k1_scalar *x, size_t stride)
{
    k1_scalar_acc acc;
    k1_scalar g;
    k1_scalar_acc_init(&acc);
    for (uint32_t j = 0; j < OTE_COUNT; j++) {
        rvole_gadget(&g, j);
        k1_scalar_acc_muladd(&acc, &g, &x[(size_t)j * stride]);
    }
    k1_scalar_acc_reduce(r, &acc);
    sodium_memzero(&acc, sizeof acc);
}

static void ote_sid(uint8_t out[32], const uint8_t sid[32])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "rvole-ote");
    ecdsa_transcript_append(&t, ECDSA_T_SID, "sid", sid, 32);
    ecdsa_transcript_bytes_out(&t, out, 32);
}

/* χ̃_0, χ̃_1, χ̂_0, χ̂_1 = H(sid, τ). -1 if OpenSSL failed. */
static int check_challenges(k1_scalar chi[2 * RVOLE_L], const uint8_t sid[32], const rvole_msg2 *m)
{
    ecdsa_transcript t;
    ecdsa_bulk b;
    uint8_t d[32];
    if (ecdsa_bulk_init(&b, ECDSA_DOMAIN "/rvole-check", sid) != 0) return -1;
    ecdsa_bulk_update(&b, m->tau, sizeof m->tau);
    if (ecdsa_bulk_final(&b, d) != 0) return -1;
    for (uint32_t i = 0; i < 2 * RVOLE_L; i++) {
        ecdsa_transcript_init(&t, "rvole-chi");
        ecdsa_transcript_append(&t, ECDSA_T_BYTES, "digest", d, 32);
        ecdsa_transcript_u32(&t, "index", i);
        ecdsa_transcript_scalar_out(&t, &chi[i]);
    }
    return 0;
}

#define PAD_CHUNK 32   /* divides OTE_COUNT */

static void pads_to_scalars(k1_scalar p[2 * RVOLE_L], const uint8_t bytes[2 * RVOLE_L * 32])
{
    /* 256 hashed bits mod n: statistical distance from uniform < 2^-127 */
    for (int w = 0; w < 2 * RVOLE_L; w++) k1_scalar_from_le_bytes_reduce(&p[w], bytes + 32 * w);
}

int rvole_receiver_start(ote_msg *msg, k1_scalar *b, uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup,
                         const uint8_t sid[32])
{
    uint8_t osid[32];
    k1_scalar_acc acc;
    k1_scalar g;
    randombytes_buf(choice, OTE_COUNT / 8);
    /* Σ_{j<256} β_j 2^j is the integer of the first 32 choice bytes; the hashed part adds β_j·g_j */
    uint8_t be[32];
    for (int i = 0; i < 32; i++) be[i] = choice[31 - i];
    k1_scalar_acc_init(&acc);
    k1_scalar low;
    k1_scalar_from_bytes_reduce(&low, be);
    k1_scalar_acc_add(&acc, &low);
    for (uint32_t j = 256; j < OTE_COUNT; j++) {
        k1_scalar bj;
        rvole_gadget(&g, j);
        k1_scalar_from_u64(&bj, (choice[j / 8] >> (j % 8)) & 1u);
        k1_scalar_acc_muladd(&acc, &g, &bj);
    }
    sodium_memzero(be, sizeof be);
    k1_scalar_clear(&low);
    k1_scalar_acc_reduce(b, &acc);
    sodium_memzero(&acc, sizeof acc);
    ote_sid(osid, sid);
    return ote_receiver_start(msg, choice, setup, osid);
}

int rvole_sender(rvole_msg2 *msg2, k1_scalar c[RVOLE_L], const k1_scalar a[RVOLE_L], const ote_msg *msg1,
                 const ote_sender_setup *setup, const uint8_t sid[32])
{
    uint8_t osid[32], rows[OTE_COUNT][16], pad[2][PAD_CHUNK][OTE_PAD_BYTES];
    k1_scalar alpha[2 * RVOLE_L], chi[2 * RVOLE_L];
    k1_scalar (*z)[2 * RVOLE_L] = NULL;
    k1_scalar zbuf[OTE_COUNT][2 * RVOLE_L];
    z = zbuf;
    ote_sid(osid, sid);
    int rc = ote_sender_receive(rows, msg1, setup, osid);
    if (rc != TSS_OK) return rc;
    for (int w = 0; w < 2 * RVOLE_L; w++) k1_scalar_random(&alpha[w]);
    for (uint32_t j0 = 0; j0 < OTE_COUNT; j0 += PAD_CHUNK) {
        if (ote_pads(pad[0], (const uint8_t (*)[16])rows[j0], PAD_CHUNK, j0, osid, NULL) != 0 ||
            ote_pads(pad[1], (const uint8_t (*)[16])rows[j0], PAD_CHUNK, j0, osid, setup->delta) != 0) {
            rc = TSS_ERR_CRYPTO;
            goto out;
        }
        for (uint32_t i = 0; i < PAD_CHUNK; i++) {
            uint32_t j = j0 + i;
            k1_scalar p0[2 * RVOLE_L], p1[2 * RVOLE_L], tau;
            pads_to_scalars(p0, pad[0][i]);
            pads_to_scalars(p1, pad[1][i]);
            for (int w = 0; w < 2 * RVOLE_L; w++) {
                k1_scalar_neg(&z[j][w], &p0[w]);
                k1_scalar_sub(&tau, &p0[w], &p1[w]);
                k1_scalar_add(&tau, &tau, &alpha[w]);
                k1_scalar_to_bytes(msg2->tau[j][w], &tau);
            }
            sodium_memzero(p0, sizeof p0);
            sodium_memzero(p1, sizeof p1);
        }
    }
    ecdsa_bulk h;
    if (check_challenges(chi, sid, msg2) != 0 || ecdsa_bulk_init(&h, ECDSA_DOMAIN "/rvole-rows", sid) != 0) {
        rc = TSS_ERR_CRYPTO;
        goto out;
    }
    for (uint32_t l = 0; l < RVOLE_L; l++) {
        for (uint32_t j = 0; j < OTE_COUNT; j++) {
            k1_scalar_acc acc;
            k1_scalar r;
            uint8_t rb[32];
            k1_scalar_acc_init(&acc);
            k1_scalar_acc_muladd(&acc, &chi[l], &z[j][l]);
            k1_scalar_acc_muladd(&acc, &chi[RVOLE_L + l], &z[j][RVOLE_L + l]);
            k1_scalar_acc_reduce(&r, &acc);
            k1_scalar_to_bytes(rb, &r);
            ecdsa_bulk_update(&h, rb, 32);
        }
        k1_scalar u, t2;
        k1_scalar_mul(&u, &chi[l], &alpha[l]);
        k1_scalar_mul(&t2, &chi[RVOLE_L + l], &alpha[RVOLE_L + l]);
        k1_scalar_add(&u, &u, &t2);
        k1_scalar_to_bytes(msg2->check_u[l], &u);
        k1_scalar gm;
        k1_scalar_sub(&gm, &a[l], &alpha[l]);
        k1_scalar_to_bytes(msg2->gamma[l], &gm);
        gadget_dot(&c[l], &z[0][l], 2 * RVOLE_L);
    }
    if (ecdsa_bulk_final(&h, msg2->check_r) != 0) rc = TSS_ERR_CRYPTO;
out:
    sodium_memzero(zbuf, sizeof zbuf);
    sodium_memzero(alpha, sizeof alpha);
    sodium_memzero(rows, sizeof rows);
    sodium_memzero(pad, sizeof pad);
    return rc;
}

int rvole_receiver_finish(k1_scalar d[RVOLE_L], const rvole_msg2 *msg2, const k1_scalar *b,
                          const uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup, const uint8_t sid[32])
{
    uint8_t osid[32], rows[OTE_COUNT][16], pad[PAD_CHUNK][OTE_PAD_BYTES];
    k1_scalar chi[2 * RVOLE_L], u[RVOLE_L], gamma[RVOLE_L];
    k1_scalar tbuf[OTE_COUNT][2 * RVOLE_L];
    for (uint32_t l = 0; l < RVOLE_L; l++) {
        if (k1_scalar_from_bytes_canonical(&u[l], msg2->check_u[l]) != 0 ||
            k1_scalar_from_bytes_canonical(&gamma[l], msg2->gamma[l]) != 0)
            return TSS_ERR_ENCODING;
    }
    ote_sid(osid, sid);
    int rc = ote_receiver_rows(rows, setup, osid);
    if (rc == TSS_OK && check_challenges(chi, sid, msg2) != 0) rc = TSS_ERR_CRYPTO;
    for (uint32_t j0 = 0; j0 < OTE_COUNT && rc == TSS_OK; j0 += PAD_CHUNK) {
        if (ote_pads(pad, (const uint8_t (*)[16])rows[j0], PAD_CHUNK, j0, osid, NULL) != 0) {
            rc = TSS_ERR_CRYPTO;
            break;
        }
        for (uint32_t i = 0; i < PAD_CHUNK && rc == TSS_OK; i++) {
            uint32_t j = j0 + i;
            unsigned bj = (choice[j / 8] >> (j % 8)) & 1u;
            k1_scalar p[2 * RVOLE_L], tau, pt;
            pads_to_scalars(p, pad[i]);
            for (int w = 0; w < 2 * RVOLE_L; w++) {
                if (k1_scalar_from_bytes_canonical(&tau, msg2->tau[j][w]) != 0) { rc = TSS_ERR_ENCODING; break; }
                k1_scalar_add(&pt, &p[w], &tau);
                tbuf[j][w] = p[w];
                k1_scalar_cmov(&tbuf[j][w], &pt, bj);
            }
            sodium_memzero(p, sizeof p);
        }
    }
    if (rc == TSS_OK) {
        ecdsa_bulk h;
        uint8_t mine[32];
        if (ecdsa_bulk_init(&h, ECDSA_DOMAIN "/rvole-rows", sid) != 0) rc = TSS_ERR_CRYPTO;
        for (uint32_t l = 0; l < RVOLE_L; l++) {
            for (uint32_t j = 0; j < OTE_COUNT; j++) {
                unsigned bj = (choice[j / 8] >> (j % 8)) & 1u;
                k1_scalar_acc acc;
                k1_scalar r, s, bu;
                uint8_t rb[32];
                /* β_j u_l - (χ̃ t + χ̂ t̂): the subtraction is computed as the negation of the sum */
                k1_scalar_acc_init(&acc);
                k1_scalar_acc_muladd(&acc, &chi[l], &tbuf[j][l]);
                k1_scalar_acc_muladd(&acc, &chi[RVOLE_L + l], &tbuf[j][RVOLE_L + l]);
                k1_scalar_acc_reduce(&s, &acc);
                k1_scalar_zero(&bu);
                k1_scalar_cmov(&bu, &u[l], bj);
                k1_scalar_sub(&r, &bu, &s);
                k1_scalar_to_bytes(rb, &r);
                ecdsa_bulk_update(&h, rb, 32);
            }
        }
        if (ecdsa_bulk_final(&h, mine) != 0) rc = TSS_ERR_CRYPTO;
        TSS_DECLASSIFY(mine, sizeof mine);  /* equals the sender's public digest unless the check fails */
        if (rc == TSS_OK && sodium_memcmp(mine, msg2->check_r, 32) != 0) rc = TSS_ERR_RVOLE;
    }
    if (rc == TSS_OK) {
        for (uint32_t l = 0; l < RVOLE_L; l++) {
            k1_scalar bg;
            gadget_dot(&d[l], &tbuf[0][l], 2 * RVOLE_L);
            k1_scalar_mul(&bg, b, &gamma[l]);
            k1_scalar_add(&d[l], &d[l], &bg);
        }
    }
    sodium_memzero(tbuf, sizeof tbuf);
    sodium_memzero(rows, sizeof rows);
    sodium_memzero(pad, sizeof pad);
    return rc;
}
